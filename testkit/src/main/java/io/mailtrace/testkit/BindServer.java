package io.mailtrace.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real BIND {@code named} for tests: authoritative for the given zones, on 127.0.0.1 at a
 * free high port (UDP and TCP), no recursion, no control channel, dynamic updates allowed only
 * with a fresh TSIG key ({@code tsig-keygen -a hmac-sha256}). Records are changed with
 * {@code nsupdate -k}. Start one per test class ({@code try-with-resources} or
 * {@code @AfterAll close()}); a JVM shutdown hook stops any left running. Skips (JUnit
 * assumption) when {@code named} is not installed.
 */
public final class BindServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BindServer.class);
  private static final String KEY_NAME = "mailtrace-test";
  private static final String NAMED = "/usr/sbin/named";

  private final Path dir;
  private final int port;
  private final Process process;
  private final Thread hook;

  private BindServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.hook = new Thread(this::stopProcess, "bind-server-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts named authoritative for {@code zones} (e.g. {@code a.example}) and waits until it answers. */
  public static BindServer start(String... zones) throws IOException, InterruptedException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(NAMED)),
        "BIND named not installed (scripts/install-test-deps installs bind9)");
    Path dir = Files.createTempDirectory("mailtrace-bind-");
    String key = run(dir, List.of("tsig-keygen", "-a", "hmac-sha256", KEY_NAME), null);
    Files.writeString(dir.resolve("tsig.key"), key);
    int port = freePort();
    StringBuilder conf = new StringBuilder()
        .append("options {\n")
        .append("  directory \"").append(dir).append("\";\n")
        .append("  pid-file \"").append(dir.resolve("named.pid")).append("\";\n")
        .append("  session-keyfile \"").append(dir.resolve("session.key")).append("\";\n")
        .append("  listen-on port ").append(port).append(" { 127.0.0.1; };\n")
        .append("  listen-on-v6 { none; };\n")
        .append("  recursion no;\n  dnssec-validation no;\n  notify no;\n  allow-query { any; };\n")
        .append("};\ncontrols { };\n")
        .append("include \"").append(dir.resolve("tsig.key")).append("\";\n");
    for (String zone : zones) {
      Files.writeString(dir.resolve(zone + ".zone"), "$TTL 60\n"
          + "@ IN SOA ns." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 60\n"
          + "@ IN NS ns." + zone + ".\n"
          + "ns IN A 127.0.0.1\n");
      conf.append("zone \"").append(zone).append("\" { type primary; file \"")
          .append(dir.resolve(zone + ".zone")).append("\"; update-policy { grant ")
          .append(KEY_NAME).append(" zonesub ANY; }; };\n");
    }
    Files.writeString(dir.resolve("named.conf"), conf.toString());
    Process p = new ProcessBuilder(NAMED, "-g", "-4", "-c", dir.resolve("named.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("named.log").toFile())
        .start();
    BindServer server = new BindServer(dir, port, p);
    try {
      server.awaitReady(zones.length == 0 ? "." : zones[0], Duration.ofSeconds(60));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    LOG.info("BIND named started on 127.0.0.1:{} for {}", port, List.of(zones));
    return server;
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, the form resolvers are configured with. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Adds one TXT record at {@code name} made of the given strings (each ≤ 255 bytes). */
  public void addTxt(String name, String... strings) throws IOException, InterruptedException {
    update("update add " + fqdn(name) + " 60 IN TXT " + quoted(strings));
  }

  /** Removes every TXT record at {@code name}, then adds one made of the given strings. */
  public void setTxt(String name, String... strings) throws IOException, InterruptedException {
    update("update delete " + fqdn(name) + " TXT\nupdate add " + fqdn(name) + " 60 IN TXT " + quoted(strings));
  }

  /** Removes every TXT record at {@code name}. */
  public void removeTxt(String name) throws IOException, InterruptedException {
    update("update delete " + fqdn(name) + " TXT");
  }

  /** Splits a long value into strings of at most 255 bytes (ASCII), as a zone file would. */
  public static String[] split255(String value) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < value.length(); i += 255) {
      parts.add(value.substring(i, Math.min(value.length(), i + 255)));
    }
    return parts.toArray(String[]::new);
  }

  private void update(String commands) throws IOException, InterruptedException {
    String script = "server 127.0.0.1 " + port + "\n" + commands + "\nsend\n";
    run(dir, List.of("nsupdate", "-k", dir.resolve("tsig.key").toString()), script);
  }

  private static String fqdn(String name) {
    return name.endsWith(".") ? name : name + ".";
  }

  private static String quoted(String... strings) {
    StringBuilder sb = new StringBuilder();
    for (String s : strings) {
      sb.append(" \"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return sb.toString().strip();
  }

  private void awaitReady(String zone, Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    SimpleResolver r = new SimpleResolver("127.0.0.1");
    r.setPort(port);
    r.setTimeout(Duration.ofSeconds(1));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("named exited with " + process.exitValue() + ": " + log());
      }
      Lookup l = new Lookup(zone, Type.SOA);
      l.setResolver(r);
      l.setCache(null);
      l.run();
      if (l.getResult() == Lookup.SUCCESSFUL) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling a condition, not synchronising on time
    }
    throw new IOException("named did not answer within " + timeout + ": " + log());
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("named.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static String run(Path dir, List<String> cmd, String stdin) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(cmd.get(0) + " did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(cmd.get(0) + " failed (" + p.exitValue() + "): " + text);
    }
    return text;
  }

  private static int freePort() throws IOException {
    for (int i = 0; i < 200; i++) {
      int candidate = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      InetAddress lo = InetAddress.getLoopbackAddress();
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(lo, candidate));
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, candidate))) {
          return candidate;
        }
      } catch (IOException taken) {
        // try another one
      }
    }
    throw new IOException("no free port for named");
  }

  private void stopProcess() {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM: named shuts down cleanly
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // already in the hook
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not remove {}: {}", dir, e.toString());
    }
  }
}
