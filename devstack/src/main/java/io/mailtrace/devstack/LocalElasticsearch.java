package io.mailtrace.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Elasticsearch started from the Maven Central distribution
 * ({@code org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip}): used by the
 * test suites and by {@code mailtrace dev}.
 *
 * <p>The zip is unpacked once per version under {@code distDir}. Every instance gets its own
 * config directory ({@code ES_PATH_CONF}), data and log directories under {@code instanceDir},
 * binds to 127.0.0.1 only, and runs with security off and disk thresholds disabled. Elasticsearch
 * refuses to run as root, so as root it runs as the unprivileged system user {@value #SYSTEM_USER}
 * (created once). A watchdog process stops the node when the owning JVM dies, even by SIGKILL, so
 * no node is left behind.
 *
 * <p>{@link #start()} blocks (up to {@code startTimeout}) until {@code _cluster/health} reports
 * yellow; call it off any event loop.
 */
public final class LocalElasticsearch implements AutoCloseable {
  public static final String SYSTEM_USER = "mailtrace-es";
  private static final Logger LOG = LoggerFactory.getLogger(LocalElasticsearch.class);

  private final Path zip;
  private final String version;
  private Path distDir;
  private Path instanceDir;
  private final String javaHome;
  private final String heap;
  private final int requestedHttpPort;
  private final Duration startTimeout;
  private final boolean stopWithJvm;

  private int httpPort;
  private Path pidFile;
  private Process watchdog;
  private boolean running;
  private boolean hookInstalled;

  private LocalElasticsearch(Builder b) {
    this.zip = Objects.requireNonNull(b.zip, "zip");
    this.version = Objects.requireNonNull(b.version, "version");
    this.distDir = Objects.requireNonNull(b.distDir, "distDir");
    this.instanceDir = Objects.requireNonNull(b.instanceDir, "instanceDir");
    this.javaHome = b.javaHome == null || b.javaHome.isBlank() ? System.getProperty("java.home") : b.javaHome;
    this.heap = b.heap;
    this.requestedHttpPort = b.httpPort;
    this.startTimeout = b.startTimeout;
    this.stopWithJvm = b.stopWithJvm;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The HTTP base URL, e.g. {@code http://127.0.0.1:9200}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public Path instanceDir() {
    return instanceDir;
  }

  /** Whether an Elasticsearch answers cluster health at the given base URL. */
  public static boolean isHealthy(String baseUrl) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + "/_cluster/health?wait_for_status=yellow&timeout=1s").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(3000);
      int code = c.getResponseCode();
      try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (in != null) {
          in.readAllBytes();
        }
      }
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** Unpacks (once), starts the node and waits until it is healthy. */
  public synchronized LocalElasticsearch start() throws IOException, InterruptedException {
    if (running) {
      return this;
    }
    boolean root = isRoot();
    Path requestedInstanceDir = instanceDir;
    if (root) {
      relocateIfUnreachable();
    }
    Path home = unpack(root);
    Files.createDirectories(instanceDir);
    Path conf = instanceDir.resolve("config");
    Path data = instanceDir.resolve("data");
    Path logs = instanceDir.resolve("logs");
    Path tmp = instanceDir.resolve("tmp");
    if (!Files.exists(conf.resolve("jvm.options"))) {
      copyTree(home.resolve("config"), conf);
      // The stock options write GC logs, error files and heap dumps relative to ES_HOME, which
      // the node's user may not own: point them into this instance.
      Path jvmOptions = conf.resolve("jvm.options");
      Files.writeString(jvmOptions, Files.readString(jvmOptions)
          .replace("file=logs/gc.log", "file=" + logs + "/gc.log")
          .replace("ErrorFile=logs/", "ErrorFile=" + logs + "/")
          .replace("HeapDumpPath=data", "HeapDumpPath=" + data));
    }
    Files.createDirectories(data);
    Files.createDirectories(logs);
    Files.createDirectories(tmp);
    pidFile = instanceDir.resolve("elasticsearch.pid");
    Files.deleteIfExists(pidFile);
    if (root) {
      ensureSystemUser();
      run(List.of("chown", "-R", SYSTEM_USER, instanceDir.toString()));
    }
    int transportPort;
    int attempt = 0;
    while (true) {
      // A restarted node keeps its HTTP port so clients can reconnect.
      httpPort = requestedHttpPort > 0 ? requestedHttpPort : (httpPort > 0 && attempt == 0 ? httpPort : freePort());
      transportPort = freePort();
      List<String> cmd = new ArrayList<>();
      if (root) {
        cmd.addAll(List.of("runuser", "-u", SYSTEM_USER, "--"));
      }
      cmd.addAll(List.of("env",
          "ES_JAVA_HOME=" + javaHome,
          "ES_PATH_CONF=" + conf,
          "ES_TMPDIR=" + tmp,
          "ES_JAVA_OPTS=-Xms" + heap + " -Xmx" + heap + " -XX:-HeapDumpOnOutOfMemoryError",
          home.resolve("bin/elasticsearch").toString(),
          "-d", "-p", pidFile.toString(),
          "-E", "node.name=mailtrace-local",
          "-E", "cluster.name=mailtrace-local",
          "-E", "network.host=127.0.0.1",
          "-E", "http.port=" + httpPort,
          "-E", "transport.port=" + transportPort,
          "-E", "discovery.type=single-node",
          "-E", "xpack.security.enabled=false",
          "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
          "-E", "action.destructive_requires_name=false",
          "-E", "path.data=" + data,
          "-E", "path.logs=" + logs));
      LOG.info("starting Elasticsearch {} on 127.0.0.1:{} (data {})", version, httpPort, data);
      Path out = instanceDir.resolve("startup.log");
      // The JVM options write logs/gc.log relative to the working directory.
      Process p = new ProcessBuilder(cmd).directory(instanceDir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      // With -d the launcher returns once the node started (or failed to).
      if (!p.waitFor(startTimeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        killNodesOf(data); // the daemonized node may already run: never leave it behind
        throw new IOException("Elasticsearch did not start within " + startTimeout + "; see " + out);
      }
      if (p.exitValue() == 0 && Files.exists(pidFile)) {
        break;
      }
      String tail = tail(out);
      if (++attempt < 3 && requestedHttpPort == 0 && tail.contains("BindException")) {
        continue; // lost a port race; pick new ports
      }
      throw new IOException("Elasticsearch failed to start (exit " + p.exitValue() + "): " + tail);
    }
    running = true;
    if (!instanceDir.equals(requestedInstanceDir)) {
      // Callers (dev mode's reuse check) look for the pid where they asked the node to live.
      Files.writeString(requestedInstanceDir.resolve("elasticsearch.pid"), Long.toString(pid()));
    }
    if (stopWithJvm) {
      startWatchdog();
      if (!hookInstalled) {
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-elasticsearch"));
      }
    }
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (!isHealthy(url())) {
      if (System.nanoTime() > deadline) {
        close();
        killNodesOf(data);
        throw new IOException("Elasticsearch at " + url() + " not healthy within " + startTimeout);
      }
      Thread.sleep(250); // polling an external process for readiness, not test synchronisation
    }
    LOG.info("Elasticsearch {} ready at {}", version, url());
    return this;
  }

  /** The node's pid, or -1 when it is not running. */
  public long pid() {
    try {
      return pidFile != null && Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Whether this node was started and not stopped since. */
  public synchronized boolean isRunning() {
    return running;
  }

  /** Stops the node (SIGTERM, then SIGKILL after 30 s) and waits for it to exit. Idempotent. */
  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    long pid = pid();
    if (pid > 0) {
      ProcessHandle.of(pid).ifPresent(h -> {
        h.destroy();
        try {
          h.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          h.destroyForcibly();
        }
      });
    }
    if (watchdog != null) {
      watchdog.destroy();
    }
    LOG.info("Elasticsearch at {} stopped", url());
  }

  /**
   * The unprivileged user must reach the distribution and the instance directories; a checkout
   * under a private home (e.g. /root) is not reachable, so both move under the temp directory.
   */
  private void relocateIfUnreachable() throws IOException, InterruptedException {
    ensureSystemUser();
    Files.createDirectories(distDir);
    Files.createDirectories(instanceDir);
    if (reachable(distDir) && reachable(instanceDir)) {
      return;
    }
    Path base = Path.of(System.getProperty("java.io.tmpdir"), "mailtrace-es");
    Files.createDirectories(base);
    base.toFile().setReadable(true, false);
    base.toFile().setExecutable(true, false);
    Path newDist = base.resolve("dist");
    Path newInstance = base.resolve("instances").resolve(Integer.toHexString(instanceDir.toAbsolutePath().toString().hashCode()));
    LOG.warn("user {} cannot reach {}; using {} for the distribution and {} for the node's files",
        SYSTEM_USER, instanceDir, newDist, newInstance);
    distDir = newDist;
    instanceDir = newInstance;
    for (Path p = newInstance; p != null && p.startsWith(base); p = p.getParent()) {
      Files.createDirectories(p);
      p.toFile().setReadable(true, false);
      p.toFile().setExecutable(true, false);
    }
    Files.createDirectories(newDist);
    newDist.toFile().setReadable(true, false);
    newDist.toFile().setExecutable(true, false);
  }

  private static boolean reachable(Path dir) throws IOException, InterruptedException {
    return run(List.of("runuser", "-u", SYSTEM_USER, "--", "test", "-x", dir.toAbsolutePath().toString())) == 0;
  }

  /** Kills every Elasticsearch process started on this instance's data directory. */
  private static void killNodesOf(Path data) {
    String marker = "path.data=" + data;
    ProcessHandle.allProcesses()
        .filter(h -> h.info().arguments().map(args -> String.join(" ", args).contains(marker)).orElse(false))
        .forEach(h -> {
          h.destroy();
          try {
            h.onExit().get(20, TimeUnit.SECONDS);
          } catch (Exception e) {
            h.destroyForcibly();
          }
        });
  }

  private void startWatchdog() throws IOException {
    long jvm = ProcessHandle.current().pid();
    long es = pid();
    // Outlives a SIGKILLed JVM and stops the node then; setsid keeps it out of the JVM's process group.
    String script = "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + es + " 2>/dev/null; do sleep 1; done; "
        + "kill " + es + " 2>/dev/null; for i in $(seq 1 30); do kill -0 " + es + " 2>/dev/null || exit 0; sleep 1; done; kill -9 " + es + " 2>/dev/null";
    watchdog = new ProcessBuilder("setsid", "sh", "-c", script)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private Path unpack(boolean root) throws IOException, InterruptedException {
    if (!Files.isRegularFile(zip)) {
      throw new IOException("Elasticsearch distribution not found at " + zip
          + " (resolve org.elasticsearch.distribution.integ-test-zip:elasticsearch:" + version + ":zip with Maven)");
    }
    Path home = distDir.resolve("elasticsearch-" + version);
    Path marker = distDir.resolve(".unpacked-" + version);
    if (!Files.exists(marker)) {
      Files.createDirectories(distDir);
      Path staging = Files.createTempDirectory(distDir, ".unpack-");
      unzip(zip, staging);
      Path unpacked = staging.resolve("elasticsearch-" + version);
      if (!Files.isDirectory(unpacked)) {
        throw new IOException("unexpected layout in " + zip);
      }
      if (Files.exists(home)) {
        deleteTree(home);
      }
      Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(staging);
      Files.writeString(marker, version);
    }
    if (root) {
      ensureSystemUser();
      // The unprivileged user must be able to reach and read the distribution.
      if (run(List.of("runuser", "-u", SYSTEM_USER, "--", "test", "-r", home.resolve("lib").toString(), "-a", "-x", home.resolve("bin/elasticsearch").toString())) != 0) {
        throw new IOException("user " + SYSTEM_USER + " cannot read " + home + "; put the work directory where it can");
      }
    }
    return home;
  }

  private static void unzip(Path zip, Path target) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        Path p = target.resolve(e.getName()).normalize();
        if (!p.startsWith(target)) {
          throw new IOException("zip entry outside target: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(p);
        } else {
          Files.createDirectories(p.getParent());
          Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
          if (p.getParent().getFileName().toString().equals("bin")) {
            p.toFile().setExecutable(true, false);
          }
        }
      }
    }
    // Native helpers and launchers outside bin/ (e.g. modules/x-pack-ml/platform) need +x too.
    try (var s = Files.walk(target)) {
      s.filter(Files::isRegularFile)
          .filter(f -> f.toString().contains("/platform/") || f.toString().contains("/bin/"))
          .forEach(f -> f.toFile().setExecutable(true, false));
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var s = Files.walk(root)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static synchronized void ensureSystemUser() throws IOException, InterruptedException {
    if (run(List.of("id", "-u", SYSTEM_USER)) == 0) {
      return;
    }
    int rc = run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER));
    if (rc != 0 && run(List.of("id", "-u", SYSTEM_USER)) != 0) {
      throw new IOException("could not create the system user " + SYSTEM_USER + " (useradd exit " + rc + ")");
    }
  }

  private static int run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor();
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }

  /** A free TCP port on 127.0.0.1 (may race with other processes; callers retry on bind errors). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Options; {@code zip}, {@code version}, {@code distDir} and {@code instanceDir} are required. */
  public static final class Builder {
    private Path zip;
    private String version;
    private Path distDir;
    private Path instanceDir;
    private String javaHome;
    private String heap = "512m";
    private int httpPort;
    private Duration startTimeout = Duration.ofSeconds(300);
    private boolean stopWithJvm = true;

    public Builder zip(Path v) { this.zip = v; return this; }
    public Builder version(String v) { this.version = v; return this; }
    public Builder distDir(Path v) { this.distDir = v; return this; }
    public Builder instanceDir(Path v) { this.instanceDir = v; return this; }
    public Builder javaHome(String v) { this.javaHome = v; return this; }
    public Builder heap(String v) { this.heap = v; return this; }
    /** 0 (default) picks a free port. */
    public Builder httpPort(int v) { this.httpPort = v; return this; }
    public Builder startTimeout(Duration v) { this.startTimeout = v; return this; }
    /** Stop the node when this JVM exits (default true). */
    public Builder stopWithJvm(boolean v) { this.stopWithJvm = v; return this; }

    public LocalElasticsearch build() {
      return new LocalElasticsearch(this);
    }
  }
}
