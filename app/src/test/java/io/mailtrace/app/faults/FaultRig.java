package io.mailtrace.app.faults;

import io.mailtrace.devstack.LocalElasticsearch;
import io.mailtrace.testkit.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real processes for the fault recipes: a dedicated Elasticsearch node (owned by the caller, so a
 * recipe may stop and start it), an in-test next hop ({@link NextHopSink}), and a signer and an
 * ingest process launched from the shaded jar ({@code mailtrace run --roles signer|ingest}) with a
 * generated YAML config, sharing one journal directory. Messages come from a {@link LoadGenerator}
 * over trusted-network relay (the envelope sender names the account, created with
 * {@code mailtrace account add}); {@link #check} is the {@link TraceOracle}. With
 * {@link Options#withFaultProxy()} both processes reach Elasticsearch through a {@link FaultProxy}
 * (only {@code _bulk} requests, i.e. the ingest's, are subject to its rule; the signer's key reads
 * pass through), while the oracle reads Elasticsearch directly.
 */
public final class FaultRig implements AutoCloseable {
  public static final String SENDER = "sender@example.com";

  /**
   * What a recipe may tune; sizes and durations in the config file's syntax.
   *
   * @param faultProxy the processes reach Elasticsearch through a {@link FaultProxy} (see {@link #faultProxy()})
   */
  public record Options(String journalMaxSize, String journalSegmentSize, int sessions, int ratePerSecond, boolean faultProxy) {
    public Options(String journalMaxSize, String journalSegmentSize, int sessions, int ratePerSecond) {
      this(journalMaxSize, journalSegmentSize, sessions, ratePerSecond, false);
    }

    public static Options defaults() {
      return new Options("256MB", "1MB", 4, 60);
    }

    public Options withJournal(String maxSize, String segmentSize) {
      return new Options(maxSize, segmentSize, sessions, ratePerSecond, faultProxy);
    }

    public Options withLoad(int sessionCount, int rate) {
      return new Options(journalMaxSize, journalSegmentSize, sessionCount, rate, faultProxy);
    }

    /** Puts a {@link FaultProxy} between the processes and Elasticsearch (the oracle still reads Elasticsearch directly). */
    public Options withFaultProxy() {
      return new Options(journalMaxSize, journalSegmentSize, sessions, ratePerSecond, true);
    }
  }

  /** What one {@code mailtrace} command printed and its exit code. */
  public record CliResult(int exitCode, String output) {}

  private final LocalElasticsearch es;
  private final Path dir;
  private final String tag;
  private final Options options;
  private final NextHopSink sink;
  private final int smtpPort;
  private final MailtraceProcess signer;
  private final MailtraceProcess ingest;
  private final FaultProxy proxy;
  private final Path config;
  private int loads;

  private FaultRig(LocalElasticsearch es, Path dir, String tag, Options options) throws Exception {
    this.es = es;
    this.dir = dir;
    this.tag = tag;
    this.options = options;
    this.sink = new NextHopSink();
    this.proxy = options.faultProxy() ? FaultProxy.start(es.url()) : null;
    this.smtpPort = LocalElasticsearch.freePort();
    this.config = writeConfig();
    Path jar = jar();
    addAccount();
    this.signer = new MailtraceProcess(jar, config, "signer", dir.resolve("signer.log"));
    this.ingest = new MailtraceProcess(jar, config, "ingest", dir.resolve("ingest.log"));
  }

  /** Builds the rig in a fresh directory under {@code base} and starts ingest and signer. */
  public static FaultRig start(LocalElasticsearch es, Path base, String name, Options options) throws Exception {
    Files.createDirectories(base);
    Path dir = Files.createTempDirectory(base, name + "-");
    // unique per run, so records of earlier runs in the same Elasticsearch never count here
    String tag = name + "-" + Long.toString(System.currentTimeMillis(), 36);
    FaultRig rig = new FaultRig(es, dir, tag, options);
    try {
      rig.ingest.start();
      rig.signer.start();
    } catch (Exception | AssertionError e) {
      rig.close();
      throw e;
    }
    return rig;
  }

  /** The jar the reactor packaged: {@code mailtrace.jar} (failsafe) or {@code app/target/mailtrace.jar}. */
  static Path jar() {
    String p = System.getProperty("mailtrace.jar");
    String repo = System.getProperty("mailtrace.repo");
    // failsafe sets mailtrace.jar; bench/soak sets both; elsewhere the working directory is app/
    Path jar = p != null && !p.isBlank() ? Path.of(p)
        : repo != null && !repo.isBlank() ? Path.of(repo).resolve("app/target/mailtrace.jar")
        : Path.of("target/mailtrace.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the shaded jar is missing: " + jar.toAbsolutePath() + " (run the package phase)");
    }
    return jar.toAbsolutePath();
  }

  public LoadGenerator load() {
    return load(options.sessions(), options.ratePerSecond());
  }

  /** A new load; each load of the rig numbers its Message-IDs in a range of its own. */
  public synchronized LoadGenerator load(int sessions, int ratePerSecond) {
    return new LoadGenerator(smtpPort, tag, SENDER, sessions, ratePerSecond, 1_000_000L * loads++);
  }

  /** The proxy the processes reach Elasticsearch through ({@link Options#withFaultProxy()}). */
  public FaultProxy faultProxy() {
    if (proxy == null) {
      throw new IllegalStateException("this rig has no fault proxy (Options.withFaultProxy())");
    }
    return proxy;
  }

  /** The generated {@code mailtrace.yaml} both processes run with. */
  public Path configFile() {
    return config;
  }

  /** Runs {@code mailtrace <args>} (a short-lived command of the shaded jar) and waits for it. */
  public CliResult cli(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar().toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, (args.length > 0 ? args[0] : "cli") + "-", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("mailtrace " + String.join(" ", args) + " did not finish within 2 minutes: " + Files.readString(log));
    }
    return new CliResult(p.exitValue(), Files.readString(log));
  }

  public MailtraceProcess signer() {
    return signer;
  }

  public MailtraceProcess ingest() {
    return ingest;
  }

  public NextHopSink nextHop() {
    return sink;
  }

  public LocalElasticsearch elasticsearch() {
    return es;
  }

  public Path dir() {
    return dir;
  }

  public Path journalDir() {
    return dir.resolve("journal");
  }

  public Path deadLetterFile() {
    return dir.resolve("dead-letter.ndjson");
  }

  public TraceOracle oracle() {
    return new TraceOracle(es.url(), journalDir(), deadLetterFile(), tag);
  }

  /** The oracle over everything {@code load} recorded (stop the load first). */
  public TraceOracle.Verdict check(Map<String, Submission> submissions) throws Exception {
    return oracle().check(submissions, Duration.ofMinutes(2), ingest::isAlive);
  }

  private Path writeConfig() throws Exception {
    Path key = dir.resolve("shared.pem");
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(g.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    byte[] master = new byte[32];
    new SecureRandom().nextBytes(master);
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/master.key"), Base64.getEncoder().encodeToString(master) + "\n");
    String yaml = String.join("\n",
        "node:",
        "  name: fault-rig",
        "data_dir: \"" + dir + "\"",
        "elasticsearch:",
        "  url: \"" + (proxy != null ? proxy.url() : es.url()) + "\"",
        "  request_timeout: 10s",
        "signer:",
        "  listen:",
        "    host: 127.0.0.1",
        "    port: " + smtpPort,
        "  instances: 1",
        "  hostname: signer.test",
        "  accounts_file: accounts.json",
        "  trusted_networks: [\"127.0.0.1/32\"]",
        "  shared_key:",
        "    domain: mailtrace.test",
        "    selector: s1",
        "    private_key_file: shared.pem",
        "  relay:",
        "    host: 127.0.0.1",
        "    port: " + sink.port(),
        "    connect_timeout: 5s",
        "    reply_timeout: 20s",
        "journal:",
        "  dir: journal",
        "  max_size: " + options.journalMaxSize(),
        "  segment_size: " + options.journalSegmentSize(),
        "ingest:",
        "  batch:",
        "    max_records: 500",
        "    linger: 50ms",
        "  retry:",
        "    max_backoff: 2s",
        "  dead_letter_file: dead-letter.ndjson",
        "keys:",
        "  master_key_file: secrets/master.key",
        "metrics:",
        "  enabled: false",
        "");
    Path config = dir.resolve("mailtrace.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  private void addAccount() throws Exception {
    CliResult r = cli("account", "add", SENDER, "--config", config.toString());
    if (r.exitCode() != 0) {
      throw new IllegalStateException("mailtrace account add failed: " + r.output());
    }
  }

  @Override
  public void close() throws Exception {
    try {
      signer.close();
      ingest.close();
    } finally {
      sink.close();
      if (proxy != null) {
        proxy.close();
      }
    }
  }

  /** The Message-ID prefix of this rig's messages. */
  public String tag() {
    return tag;
  }
}
