package io.mailtrace.app.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a new user runs it: {@code ./mailtrace dev} in a fresh data
 * directory, as a real child process on free ports; a message sent with the printed swaks line is
 * found through the API with the printed token and as a signed {@code .eml} in the outbox; SIGINT
 * stops everything (Elasticsearch included); a second start on the same directory keeps keys,
 * accounts and records. Uses the jar the reactor just built (MAILTRACE_SKIP_BUILD=1).
 */
class DevModeIT {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(8);
  private static final Path REPO = Path.of(System.getProperty("mailtrace.repo", "..")).toAbsolutePath().normalize();

  private Path dataDir;
  private Process process;
  private final List<ProcessHandle> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void freshDataDir() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/swaks")), "swaks is not installed (scripts/install-test-deps)");
    assertThat(REPO.resolve("app/target/mailtrace.jar")).as("the shaded jar (package phase)").exists();
    Path base = REPO.resolve("app/target/dev-it");
    Files.createDirectories(base);
    dataDir = Files.createTempDirectory(base, "data-");
    // Elasticsearch runs as an unprivileged user when we are root: it must traverse to its directory.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void leaveNothingBehind() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    esPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    started.forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void devModeEndToEndAndSecondStartKeepsEverything() throws Exception {
    int smtpPort = freePort();
    int httpPort = freePort();

    // ---- first start: fresh directory ----
    Banner first = start(smtpPort, httpPort, "first");
    assertThat(first.uiUrl()).startsWith("http://127.0.0.1:" + httpPort + "/#token=");
    assertThat(first.swaks()).contains("--tls", "--auth", "--auth-user " + first.user(), first.password());

    // the printed swaks line, as pasted into a shell
    Process swaks = new ProcessBuilder("bash", "-c", first.swaks()).redirectErrorStream(true).start();
    String swaksOut = new String(swaks.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(swaks.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(swaks.exitValue()).as(swaksOut).isZero();
    assertThat(swaksOut).contains("STARTTLS", "235 ", "250 ");

    // found through the API with the printed token (ingest ships it within seconds)
    String items = poll(() -> {
      String body = get("http://127.0.0.1:" + httpPort + "/api/v1/mail-sent?domain=" + DevSecrets.DEMO_DOMAIN, first.token());
      return body != null && body.contains("\"header_from\"") ? body : null;
    }, Duration.ofMinutes(2), "the message in GET /api/v1/mail-sent");
    assertThat(items).contains(DevSecrets.DEMO_USER, "someone@example.net", "\"selector\":\"" + DevSecrets.SHARED_SELECTOR + "\"");
    String id = firstId(items);

    // the UI is served with the token URL
    assertThat(get("http://127.0.0.1:" + httpPort + "/", null)).containsIgnoringCase("<html");

    // the signed message in the outbox
    Path eml = poll(() -> listEml().stream().findFirst().orElse(null), Duration.ofSeconds(30), "an .eml in the outbox");
    String signed = Files.readString(eml, StandardCharsets.ISO_8859_1);
    assertThat(signed).startsWith("DKIM-Signature:").contains("d=" + DevSecrets.SHARED_DOMAIN, "s=" + DevSecrets.SHARED_SELECTOR,
        "Subject: Hello from Mailtrace");
    verifyWithDkimpy(eml);

    byte[] dkimKey = Files.readAllBytes(dataDir.resolve("secrets/dkim-shared.pem"));
    byte[] accounts = Files.readAllBytes(dataDir.resolve("accounts.json"));
    stopWithSigint();

    // ---- second start: same directory ----
    Banner second = start(smtpPort, httpPort, "second");
    assertThat(second.user()).isEqualTo(first.user());
    assertThat(second.password()).isEqualTo(first.password());
    assertThat(Files.readAllBytes(dataDir.resolve("secrets/dkim-shared.pem"))).isEqualTo(dkimKey);
    assertThat(Files.readAllBytes(dataDir.resolve("accounts.json"))).isEqualTo(accounts);
    String details = poll(() -> get("http://127.0.0.1:" + httpPort + "/api/v1/mail-sent/" + id, second.token()),
        Duration.ofMinutes(1), "the first record after a restart");
    assertThat(details).contains(id, DevSecrets.DEMO_USER);
    stopWithSigint();
  }

  private record Banner(String user, String password, String uiUrl, String token, String swaks) {}

  private Banner start(int smtpPort, int httpPort, String name) throws Exception {
    Path out = dataDir.resolveSibling(dataDir.getFileName() + "-" + name + ".out");
    Path err = dataDir.resolveSibling(dataDir.getFileName() + "-" + name + ".err");
    ProcessBuilder pb = new ProcessBuilder(REPO.resolve("mailtrace").toString(), "dev", "--data-dir", dataDir.toString(),
        "--smtp-port", Integer.toString(smtpPort), "--http-port", Integer.toString(httpPort))
        .directory(REPO.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().put("MAILTRACE_SKIP_BUILD", "1");
    // the Elasticsearch distribution this build resolved (8.19 by default, 9.x with -Pes9)
    putIfSet(pb, "MAILTRACE_ES_ZIP", "mailtrace.es.zip");
    putIfSet(pb, "MAILTRACE_ES_VERSION", "mailtrace.es.version");
    putIfSet(pb, "MAILTRACE_ES_JAVA_HOME", "mailtrace.es.javaHome");
    process = pb.start();
    String text = poll(() -> {
      if (!process.isAlive()) {
        throw new AssertionError("mailtrace dev exited with " + process.exitValue() + ":\n" + read(err));
      }
      String s = read(out);
      return s.contains("Press Ctrl-C to stop.") ? s : null;
    }, START_TIMEOUT, "the dev banner");
    esPid().flatMap(ProcessHandle::of).ifPresent(started::add);
    process.toHandle().descendants().forEach(started::add);
    return new Banner(field(text, "user"), field(text, "password"), field(text, "Web UI"), field(text, "API token"),
        text.lines().map(String::trim).filter(l -> l.startsWith("swaks ")).findFirst().orElseThrow());
  }

  private static void putIfSet(ProcessBuilder pb, String env, String property) {
    String v = System.getProperty(property);
    if (v != null && !v.isBlank()) {
      pb.environment().put(env, v);
    }
  }

  private void stopWithSigint() throws Exception {
    long pid = process.pid();
    Optional<ProcessHandle> es = esPid().flatMap(ProcessHandle::of);
    assertThat(es).as("Elasticsearch started by dev").isPresent();
    List<ProcessHandle> tree = new ArrayList<>(process.toHandle().descendants().toList());
    es.ifPresent(tree::add);
    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor()).isZero();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("dev exits after SIGINT").isTrue();
    // nothing it started survives: Elasticsearch, its watchdog, anything else
    poll(() -> tree.stream().noneMatch(ProcessHandle::isAlive) ? Boolean.TRUE : null, Duration.ofMinutes(1),
        "every process of dev to exit, Elasticsearch included: " + tree);
  }

  private Optional<Long> esPid() {
    try {
      Path f = dataDir.resolve("elasticsearch/elasticsearch.pid");
      return Files.isRegularFile(f) ? Optional.of(Long.parseLong(Files.readString(f).trim())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void verifyWithDkimpy(Path eml) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    String record = Files.readString(dataDir.resolve("secrets/dkim-shared.txt"));
    Matcher m = Pattern.compile("\"(v=DKIM1;[^\"]+)\"").matcher(record);
    assertThat(m.find()).isTrue();
    String script = "import dkim,sys\n"
        + "msg=open(sys.argv[1],'rb').read()\n"
        + "txt=sys.argv[2].encode()\n"
        + "ok=dkim.verify(msg, dnsfunc=lambda name, timeout=5: txt)\n"
        + "sys.exit(0 if ok else 1)\n";
    Process p = new ProcessBuilder(python.toString(), "-c", script, eml.toString(), m.group(1)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Assumptions.assumeFalse(out.contains("No module named 'dkim'"), "python3-dkim is not installed");
    assertThat(p.exitValue()).as("dkimpy verifies the shared signature: " + out).isZero();
  }

  private List<Path> listEml() {
    Path outbox = dataDir.resolve("outbox");
    if (!Files.isDirectory(outbox)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(outbox)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private String get(String url, String token) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String firstId(String items) {
    Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(items);
    assertThat(m.find()).as("an id in " + items).isTrue();
    return m.group(1);
  }

  private static String field(String banner, String label) {
    Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(label) + "\\s+(\\S+)").matcher(banner);
    assertThat(m.find()).as(label + " in the banner:\n" + banner).isTrue();
    String v = m.group(1);
    return label.equals("Web UI") ? v : v;
  }

  private static String read(Path f) {
    try {
      return Files.exists(f) ? Files.readString(f) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Polls a condition with a deadline (no sleeps as synchronisation: the poll interval only paces retries). */
  private static <T> T poll(Supplier<T> check, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T v = check.get();
      if (v != null) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
