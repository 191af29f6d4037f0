package io.mailtrace.signer.bench;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.keys.KeyState;
import io.mailtrace.signer.accounts.AccountAuthenticator;
import io.mailtrace.signer.accounts.AccountStore;
import io.mailtrace.signer.accounts.PasswordHasher;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.DkimMessageSigner;
import io.mailtrace.signer.dkim.MessageSigner;
import io.mailtrace.signer.dkim.SharedKeySource;
import io.mailtrace.signer.dkim.SignedMessage;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.keys.CustomKeySource;
import io.mailtrace.signer.keys.DkimKeyRecord;
import io.mailtrace.signer.keys.KeyEncryption;
import io.mailtrace.signer.message.HeaderSection;
import io.mailtrace.signer.pipeline.SigningPipeline;
import io.mailtrace.signer.smtp.ConnectionLimiter;
import io.mailtrace.signer.smtp.SmtpServerVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * bench/relay: smtp-source → signer → smtp-sink, against smtp-source → smtp-sink directly and
 * against the RSA-2048 signing rate, all in one run.
 *
 * <p>Modes: {@code dual} (the default: the sender's domain has an active custom key, so every
 * message gets the custom and the shared RSA-2048 signature) and {@code shared} (a domain without
 * a custom key: the shared signature only). Both go through the real {@link CustomKeySource}; its
 * key store is {@link InMemoryKeyStore} instead of Elasticsearch (the source signs from its cache
 * either way). The cap of a mode is the 2-core signing rate (cores × the single-thread rate,
 * measured here with the same provider, key size and key, after a warm-up) divided by the RSA
 * signatures per message.
 *
 * <p>Besides msgs/s it reports the CPU time per message of the signer (by thread role), smtp-source
 * and smtp-sink, read from /proc: on a shared machine those move much less than wall-clock rates.
 *
 * <p>Options: {@code --mode dual|shared|both} {@code --messages N} {@code --sessions N}
 * {@code --size bytes} {@code --rounds N} {@code --warmup N} (messages per mode before measuring)
 * {@code --instances N} (event loops; default as the app's) {@code --transport native|nio} (default native, as the app).
 */
public final class RelayBench {

  /** What the signer is asked to do per message. */
  enum Mode {
    DUAL("dual", "custom + shared", 2, "bench@example.com"),
    SHARED("shared", "shared only", 1, "bench@shared.example");

    final String name;
    final String what;
    final int signatures;
    final String sender;

    Mode(String name, String what, int signatures, String sender) {
      this.name = name;
      this.what = what;
      this.signatures = signatures;
      this.sender = sender;
    }
  }

  record Options(List<Mode> modes, int messages, int sessions, int size, int rounds, int warmup, int instances, boolean nativeTransport) {
    static Options parse(String[] args) {
      List<Mode> modes = List.of(Mode.DUAL);
      int messages = 4000;
      int sessions = 20;
      int size = 10240;
      int rounds = 3;
      int warmup = -1;
      int instances = SignerConfig.defaultInstances();
      boolean nativeTransport = true;
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : "";
        switch (args[i]) {
          case "--mode" -> modes = switch (v) {
            case "dual" -> List.of(Mode.DUAL);
            case "shared" -> List.of(Mode.SHARED);
            case "both" -> List.of(Mode.DUAL, Mode.SHARED);
            default -> throw new IllegalArgumentException("--mode dual|shared|both, not " + v);
          };
          case "--messages" -> messages = Integer.parseInt(v);
          case "--sessions" -> sessions = Integer.parseInt(v);
          case "--size" -> size = Integer.parseInt(v);
          case "--rounds" -> rounds = Integer.parseInt(v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--instances" -> instances = Integer.parseInt(v);
          case "--transport" -> nativeTransport = switch (v) {
            case "native" -> true;
            case "nio" -> false;
            default -> throw new IllegalArgumentException("--transport native|nio, not " + v);
          };
          default -> throw new IllegalArgumentException("unknown option " + args[i]
              + " (--mode dual|shared|both --messages N --sessions N --size B --rounds N --warmup N --instances N --transport native|nio)");
        }
        i++;
      }
      return new Options(modes, messages, sessions, size, rounds, warmup < 0 ? Math.max(1000, messages / 4) : warmup, instances, nativeTransport);
    }
  }

  /** One smtp-source run: wall time and the CPU each process spent. */
  record Run(int messages, double seconds, double signerMs, Map<String, Double> signerThreadsMs,
      double sourceMs, double sinkMs, long signatures) {
    double rate() {
      return messages / seconds;
    }

    double perMsg(double ms) {
      return ms / messages;
    }

    double totalMsPerMsg() {
      return perMsg(signerMs + sourceMs + sinkMs);
    }
  }

  /** The RSA baseline: wall-clock rates and CPU per signature. */
  record Rsa(double oneThread, double cpuMsPerSign, double parallel, int threads) {
    double cap() {
      return oneThread * threads;
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /**
   * Upper bound on warm-up batches. C2 lags far behind on two busy cores: it takes some 15–25
   * batches before it stops compiling the session, relay and signing paths, and a signer in
   * production runs for days, so the measurement waits for that steady state.
   */
  private static final int MAX_WARM_UP_BATCHES = 30;

  public static void main(String[] args) {
    try {
      run(Options.parse(args));
      System.exit(0);
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        System.err.println((t == e ? "relay bench failed: " : "  caused by: ") + t);
      }
      System.exit(1);
    }
  }

  private static void run(Options o) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    Path dir = Files.createTempDirectory("relay-bench");

    int sinkPort = freePort();
    var sinkCmd = new ArrayList<>(List.of("smtp-sink"));
    if ("root".equals(System.getProperty("user.name"))) {
      sinkCmd.addAll(List.of("-u", "nobody"));
    }
    sinkCmd.addAll(List.of("127.0.0.1:" + sinkPort, "1024"));
    Process sink = new ProcessBuilder(sinkCmd).redirectErrorStream(true).redirectOutput(dir.resolve("sink.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(sink::destroy));
    awaitPort(sinkPort);

    var g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    PrivateKey sharedKey = g.generateKeyPair().getPrivate();
    KeyPair customPair = g.generateKeyPair();

    // As the app's VertxRuntime: native epoll where available.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(o.nativeTransport()));
    var journalMetrics = new SimpleMeterRegistry();
    FileJournal journal = await(FileJournal.open(vertx, JournalConfig.defaults(dir.resolve("journal")), journalMetrics));
    AccountStore accounts = AccountStore.open(dir.resolve("accounts.tsv"), new PasswordHasher(4096, 1, 1));
    for (Mode m : Mode.values()) {
      accounts.add(m.sender, null, "unused".toCharArray());
    }
    // The custom key of example.com, active, sealed as the key service stores it.
    byte[] master = new byte[32];
    new SecureRandom().nextBytes(master);
    KeyEncryption enc = KeyEncryption.of(master);
    InMemoryKeyStore store = new InMemoryKeyStore();
    Instant now = Instant.now();
    await(store.create(new DkimKeyRecord("example.com", "mtbench", KeyState.ACTIVE, 2048,
        Base64.getEncoder().encodeToString(customPair.getPublic().getEncoded()),
        enc.encrypt("example.com", "mtbench", customPair.getPrivate().getEncoded()),
        now, null, now, null, null, -1, -1)));
    var keys = new CustomKeySource(vertx, store, enc,
        new SharedKeySource(new SigningKey("platform.bench.test", "mt1", DkimKind.SHARED, sharedKey)),
        vertx.createSharedWorkerExecutor("bench-keys", 1), Duration.ofMinutes(10));
    await(keys.start());
    for (Mode m : Mode.values()) {
      String domain = m.sender.substring(m.sender.indexOf('@') + 1);
      int n = await(keys.keysFor(domain, domain)).keys().size();
      if (n != m.signatures) {
        throw new IllegalStateException("mode " + m.name + ": " + n + " keys selected, expected " + m.signatures);
      }
    }

    int port = freePort();
    SignerConfig cfg = SignerConfig.defaults()
        .withListen("127.0.0.1", port)
        .withInstances(o.instances())
        .withTrustedNetworks(List.of("127.0.0.1/32"))
        .withNextHop(SignerConfig.NextHop.of("127.0.0.1", sinkPort))
        .withNodeName("bench")
        .withLimits(SignerConfig.Limits.defaults().withMaxConnectionsPerIp(1000));
    var auth = new AccountAuthenticator(accounts, cfg.trustedNetworks(), vertx.createSharedWorkerExecutor("bench-auth", 2));
    var signer = new CountingSigner(new DkimMessageSigner(vertx));
    // As SignerDeployment.deploy, without its check of the shared key file (the key is in memory).
    var limiter = new ConnectionLimiter(cfg.limits().maxConnectionsPerIp());
    await(vertx.deployVerticle(() -> new SmtpServerVerticle(cfg, auth,
            hop -> new SigningPipeline(signer, keys, journal, hop.address(), cfg.nodeName(), Clock.systemUTC()), limiter),
        new DeploymentOptions().setInstances(cfg.instances())));

    // Warm-up: pools, next-hop connections and the JIT, nothing of it measured. Batches repeat until
    // the compiler threads are nearly idle: on a loaded machine C2 lags far behind the traffic, and
    // its CPU inside the measured window would be charged to the signer.
    rsa(sharedKey, 1500, cores);
    source(sinkPort, o.warmup(), o.sessions(), o.size(), Mode.SHARED.sender, sink, signer);
    for (int batch = 1; ; batch++) {
      Run w = null;
      for (Mode m : o.modes()) {
        Run r = source(port, o.warmup(), o.sessions(), o.size(), m.sender, sink, signer);
        w = w == null ? r : sum(List.of(w, r));
      }
      double jit = w.perMsg(w.signerThreadsMs().getOrDefault("JIT", 0.0));
      System.out.printf(Locale.ROOT, "warm-up batch %d: %.0f msgs/s, JIT %.3f ms CPU per message%n", batch, w.rate(), jit);
      if (jit < 0.05 || batch == MAX_WARM_UP_BATCHES) {
        break;
      }
    }

    // Interleaved rounds, so that a neighbour's load spike hits every figure alike.
    List<Run> direct = new ArrayList<>();
    List<Rsa> rsa = new ArrayList<>();
    Map<Mode, List<Run>> relayed = new LinkedHashMap<>();
    for (int r = 0; r < o.rounds(); r++) {
      System.gc();
      rsa.add(rsa(sharedKey, 3000, cores));
      direct.add(source(sinkPort, o.messages(), o.sessions(), o.size(), Mode.SHARED.sender, sink, signer));
      for (Mode m : o.modes()) {
        System.gc();
        relayed.computeIfAbsent(m, k -> new ArrayList<>()).add(source(port, o.messages(), o.sessions(), o.size(), m.sender, sink, signer));
      }
    }
    // ... and once more after the last round, so that every relayed run lies between two
    // measurements of the sign rate: the speed of a shared machine drifts by 10-20% within minutes.
    rsa.add(rsa(sharedKey, 3000, cores));
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long peak = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();

    Rsa base = new Rsa(rsa.stream().mapToDouble(Rsa::oneThread).average().orElseThrow(),
        rsa.stream().mapToDouble(Rsa::cpuMsPerSign).average().orElseThrow(),
        rsa.stream().mapToDouble(Rsa::parallel).average().orElseThrow(), cores);
    Run d = sum(direct);
    var out = System.out;
    out.printf(Locale.ROOT, "relay bench: %d messages of %d bytes per run, %d sessions, %d cores, modes %s, %d round(s), warm-up batches of %d messages per path until the JIT is quiet%n",
        o.messages(), o.size(), o.sessions(), cores, o.modes().stream().map(m -> m.name).toList(), o.rounds(), o.warmup());
    out.printf(Locale.ROOT, "signer: %d event loop(s), %s transport, %d DKIM worker threads%n",
        cfg.instances(), vertx.isNativeTransportEnabled() ? "native epoll" : "NIO", cores);
    out.printf(Locale.ROOT, "RSA-2048 SHA256withRSA (%s, the shared key, warmed up; mean of %d measurements around the runs: %s signs/s 1 thread):%n",
        Signature.getInstance("SHA256withRSA").getProvider().getName(), rsa.size(),
        rsa.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.oneThread())).toList());
    out.printf(Locale.ROOT, "  1 thread                       : %8.0f signs/s, %.3f ms CPU per signature%n", base.oneThread(), base.cpuMsPerSign());
    out.printf(Locale.ROOT, "  %d threads at once (a check)    : %8.0f signs/s%n", cores, base.parallel());
    out.printf(Locale.ROOT, "  %d-core signing cap             : %8.0f signs/s = %d x the 1-thread rate%n", cores, base.cap(), cores);
    out.printf(Locale.ROOT, "smtp-source -> smtp-sink directly : %8.0f msgs/s; CPU ms/msg: source %.3f, sink %.3f%n",
        d.rate(), d.perMsg(d.sourceMs()), d.perMsg(d.sinkMs()));
    for (var e : relayed.entrySet()) {
      Mode m = e.getKey();
      Run v = sum(e.getValue());
      double cap = base.cap() / m.signatures;
      double rsaMs = base.cpuMsPerSign() * m.signatures;
      out.printf(Locale.ROOT, "mode %s (%s: %d RSA-2048 signatures per message):%n", m.name, m.what, m.signatures);
      out.printf(Locale.ROOT, "  smtp-source -> signer -> smtp-sink: %8.0f msgs/s (%.2f signatures per message seen)%n",
          v.rate(), (double) v.signatures() / v.messages());
      out.printf(Locale.ROOT, "  cap                            : %8.0f msgs/s = %d-core signing cap %.0f signs/s / %d signatures per message%n",
          cap, cores, base.cap(), m.signatures);
      out.printf(Locale.ROOT, "  ratio signer / cap             : %8.2f (goal >= 0.70)%n", v.rate() / cap);
      out.printf(Locale.ROOT, "  ratio signer / direct          : %8.2f%n", v.rate() / d.rate());
      StringBuilder threads = new StringBuilder();
      v.signerThreadsMs().entrySet().stream()
          .filter(t -> !t.getKey().endsWith(CpuClock.KERNEL) && t.getValue() / v.messages() >= 0.0005)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(t -> threads.append(String.format(Locale.ROOT, "%s%s %.3f [kernel %.3f]", threads.length() == 0 ? "" : ", ",
              t.getKey(), v.perMsg(t.getValue()), v.perMsg(v.signerThreadsMs().getOrDefault(t.getKey() + CpuClock.KERNEL, 0.0)))));
      out.printf(Locale.ROOT, "  CPU ms per message             : signer %.3f (%s), source %.3f, sink %.3f; total %.3f%n",
          v.perMsg(v.signerMs()), threads, v.perMsg(v.sourceMs()), v.perMsg(v.sinkMs()), v.totalMsPerMsg());
      out.printf(Locale.ROOT, "  RSA share of that CPU          : %8.2f = %.3f ms RSA / %.3f ms (the ratio the cores allow when they do nothing else)%n",
          rsaMs / v.totalMsPerMsg(), rsaMs, v.totalMsPerMsg());
      out.printf(Locale.ROOT, "  cores busy with this run       : %8.2f of %d%n",
          (v.signerMs() + v.sourceMs() + v.sinkMs()) / 1000 / v.seconds(), cores);
    }
    double appends = journalMetrics.get("mailtrace.journal.appends").counter().count();
    long fsyncs = journalMetrics.get("mailtrace.journal.fsync").timer().count();
    out.printf(Locale.ROOT, "journal (whole run): %.0f records, %d fsyncs = %.2f records per group commit%n",
        appends, fsyncs, appends / Math.max(1, fsyncs));
    out.printf(Locale.ROOT, "signer heap: used %d MiB now, peak %d MiB (sum of pool peaks), max %d MiB%n",
        heap.getUsed() >> 20, peak >> 20, heap.getMax() >> 20);

    await(vertx.close());
    journal.close();
    sink.destroy();
    sink.waitFor(10, TimeUnit.SECONDS);
  }

  /** Counts the signatures actually applied, so the report shows what each mode did. */
  private static final class CountingSigner implements MessageSigner {
    private final MessageSigner delegate;
    private final LongAdder signatures = new LongAdder();

    CountingSigner(MessageSigner delegate) {
      this.delegate = delegate;
    }

    @Override
    public Future<SignedMessage> sign(byte[] message, HeaderSection headers, List<SigningKey> keys) {
      return delegate.sign(message, headers, keys).onSuccess(s -> signatures.add(s.applied().size()));
    }
  }

  private static Run sum(List<Run> runs) {
    Map<String, Double> threads = new LinkedHashMap<>();
    runs.forEach(r -> r.signerThreadsMs().forEach((k, v) -> threads.merge(k, v, Double::sum)));
    return new Run(runs.stream().mapToInt(Run::messages).sum(), runs.stream().mapToDouble(Run::seconds).sum(),
        runs.stream().mapToDouble(Run::signerMs).sum(), threads, runs.stream().mapToDouble(Run::sourceMs).sum(),
        runs.stream().mapToDouble(Run::sinkMs).sum(), runs.stream().mapToLong(Run::signatures).sum());
  }

  /** Single-thread rate and CPU per signature, then all cores at once; same provider and key as the signer. */
  private static Rsa rsa(PrivateKey key, long millis, int threads) throws Exception {
    byte[] data = new byte[600]; // about the size of a DKIM header hash input
    Signature s = Signature.getInstance("SHA256withRSA");
    long n = 0;
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      s.initSign(key);
      s.update(data);
      s.sign();
      n++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuMs = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6;

    AtomicLong total = new AtomicLong();
    CountDownLatch done = new CountDownLatch(threads);
    long pStart = System.nanoTime();
    long pEnd = pStart + TimeUnit.MILLISECONDS.toNanos(millis / 2);
    for (int t = 0; t < threads; t++) {
      new Thread(() -> {
        try {
          Signature ps = Signature.getInstance("SHA256withRSA");
          long k = 0;
          while (System.nanoTime() < pEnd) {
            ps.initSign(key);
            ps.update(data);
            ps.sign();
            k++;
          }
          total.addAndGet(k);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          done.countDown();
        }
      }, "bench-rsa-" + t).start();
    }
    done.await();
    double parallel = total.get() / ((System.nanoTime() - pStart) / 1e9);
    return new Rsa(n / seconds, cpuMs / n, parallel, threads);
  }

  private static Run source(int port, int messages, int sessions, int size, String sender, Process sink, CountingSigner signer)
      throws Exception {
    Map<String, Double> threads0 = CpuClock.threadGroupsMs();
    double self0 = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime() / 1e6;
    double children0 = CpuClock.reapedChildrenMs();
    double sink0 = CpuClock.processMs(sink.pid());
    long sigs0 = signer.signatures.sum();
    long start = System.nanoTime();
    Process p = new ProcessBuilder("smtp-source", "-d", "-s", String.valueOf(sessions), "-m", String.valueOf(messages),
        "-l", String.valueOf(size), "-f", sender, "-t", "rcpt@dest.test", "127.0.0.1:" + port)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("smtp-source failed: " + out);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double self = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime() / 1e6 - self0;
    return new Run(messages, seconds, self, CpuClock.minus(CpuClock.threadGroupsMs(), threads0),
        CpuClock.reapedChildrenMs() - children0, CpuClock.processMs(sink.pid()) - sink0, signer.signatures.sum() - sigs0);
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
