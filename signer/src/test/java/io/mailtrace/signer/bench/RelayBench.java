package io.mailtrace.signer.bench;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.model.DkimKind;
import io.mailtrace.signer.accounts.AccountAuthenticator;
import io.mailtrace.signer.accounts.AccountStore;
import io.mailtrace.signer.accounts.PasswordHasher;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.DkimMessageSigner;
import io.mailtrace.signer.dkim.SharedKeySource;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.pipeline.SigningPipeline;
import io.mailtrace.signer.smtp.ConnectionLimiter;
import io.mailtrace.signer.smtp.SmtpServerVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * bench/relay: smtp-source → signer (RSA-2048 shared signature) → smtp-sink, against smtp-source →
 * smtp-sink directly and against the single-thread RSA-2048 signing rate, in one run.
 * Args: messages sessions sizeBytes.
 */
public final class RelayBench {
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 10240;
    int cores = Runtime.getRuntime().availableProcessors();
    Path dir = Files.createTempDirectory("relay-bench");

    int sinkPort = freePort();
    var sinkCmd = new ArrayList<>(List.of("smtp-sink"));
    if ("root".equals(System.getProperty("user.name"))) {
      sinkCmd.addAll(List.of("-u", "nobody"));
    }
    sinkCmd.addAll(List.of("127.0.0.1:" + sinkPort, "1024"));
    Process sink = new ProcessBuilder(sinkCmd).redirectErrorStream(true).redirectOutput(dir.resolve("sink.log").toFile()).start();
    awaitPort(sinkPort);

    var g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    PrivateKey key = g.generateKeyPair().getPrivate();
    double signRate = rsaSignRate(key, 3000);

    Vertx vertx = Vertx.vertx();
    FileJournal journal = await(FileJournal.open(vertx, JournalConfig.defaults(dir.resolve("journal")), new SimpleMeterRegistry()));
    AccountStore accounts = AccountStore.open(dir.resolve("accounts.tsv"), new PasswordHasher(4096, 1, 1));
    accounts.add("bench@example.com", null, "unused".toCharArray());
    int port = freePort();
    SignerConfig cfg = SignerConfig.defaults()
        .withListen("127.0.0.1", port)
        .withInstances(cores)
        .withTrustedNetworks(List.of("127.0.0.1/32"))
        .withNextHop(SignerConfig.NextHop.of("127.0.0.1", sinkPort))
        .withNodeName("bench")
        .withLimits(SignerConfig.Limits.defaults().withMaxConnectionsPerIp(1000));
    var signer = new DkimMessageSigner(vertx);
    var keys = new SharedKeySource(new SigningKey("platform.bench.test", "mt1", DkimKind.SHARED, key));
    var auth = new AccountAuthenticator(accounts, cfg.trustedNetworks(), vertx.createSharedWorkerExecutor("bench-auth", 2));
    var limiter = new ConnectionLimiter(cfg.limits().maxConnectionsPerIp());
    await(vertx.deployVerticle(() -> new SmtpServerVerticle(cfg, auth,
            hop -> new SigningPipeline(signer, keys, journal, hop.address(), cfg.nodeName(), Clock.systemUTC()), limiter),
        new DeploymentOptions().setInstances(cfg.instances())));

    source(port, Math.max(500, messages / 4), sessions, size); // warm-up (JIT, pools)
    double direct = source(sinkPort, messages, sessions, size);
    System.gc();
    double viaSigner = source(port, messages, sessions, size);
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();

    double cap = signRate * cores;
    System.out.printf("relay bench: %d messages of %d bytes, %d sessions, %d cores%n", messages, size, sessions, cores);
    System.out.printf("  smtp-source -> smtp-sink directly       : %8.0f msgs/s%n", direct);
    System.out.printf("  smtp-source -> signer -> smtp-sink       : %8.0f msgs/s%n", viaSigner);
    System.out.printf("  RSA-2048 sign rate, 1 thread             : %8.0f signs/s (cap on %d cores: %.0f/s)%n", signRate, cores, cap);
    System.out.printf("  ratio signer / direct                    : %8.2f%n", viaSigner / direct);
    System.out.printf("  ratio signer / %d-core signing cap        : %8.2f (goal >= 0.70)%n", cores, viaSigner / cap);
    System.out.printf("  signer heap: used %d MiB now, peak %d MiB (sum of pool peaks), max %d MiB%n",
        heap.getUsed() >> 20, peak >> 20, heap.getMax() >> 20);

    await(vertx.close());
    journal.close();
    sink.destroy();
    sink.waitFor(10, TimeUnit.SECONDS);
  }

  private static double rsaSignRate(PrivateKey key, long millis) throws Exception {
    byte[] data = new byte[64];
    Signature s = Signature.getInstance("SHA256withRSA");
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis / 3);
    while (System.nanoTime() < end) { // warm-up
      s.initSign(key);
      s.update(data);
      s.sign();
    }
    long n = 0;
    long start = System.nanoTime();
    end = start + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      s.initSign(key);
      s.update(data);
      s.sign();
      n++;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double source(int port, int messages, int sessions, int size) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder("smtp-source", "-d", "-s", String.valueOf(sessions), "-m", String.valueOf(messages),
        "-l", String.valueOf(size), "-f", "bench@example.com", "-t", "rcpt@dest.test", "127.0.0.1:" + port)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("smtp-source failed: " + out);
    }
    return messages / ((System.nanoTime() - start) / 1e9);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }
}
