package io.mailtrace.api.bench;

import io.mailtrace.api.ApiConfig;
import io.mailtrace.api.ApiVerticle;
import io.mailtrace.api.auth.Role;
import io.mailtrace.api.auth.TenantScope;
import io.mailtrace.api.auth.TokenIssuer;
import io.mailtrace.api.search.SearchFilters;
import io.mailtrace.api.search.TraceQueries;
import io.mailtrace.api.testsupport.Seeder;
import io.mailtrace.devstack.LocalElasticsearch;
import io.mailtrace.ingest.Compaction;
import io.mailtrace.ingest.ElasticsearchTraceStore;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.testkit.TestElasticsearch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Query benchmark: indexes N trace records (default 1,000,000; 50 domains × 20 accounts over 30
 * days), then sends domain+account searches at a constant rate (open loop: requests are sent on
 * schedule whether or not earlier ones finished, latency measured from the scheduled time) both
 * through the API and raw to Elasticsearch with the identical query body and index targets,
 * interleaved in the same run, and prints p50/p99 of each and the difference, for each time range
 * the Mail Sent page offers (last 24 hours — its default —, 7 days, 30 days).
 *
 * <p>Args: {@code [--records N] [--rate R per second per target] [--seconds S] [--ranges 24h,7d,30d]
 * [--skip-index] [--samples-out DIR]}. Exit status 2 when a goal is not met.
 * Elasticsearch: {@code ES_URL}, else a local node started for the run.
 */
public final class QueryBench {
  static final Instant END = Instant.parse("2026-10-01T00:00:00Z");
  static final Duration SPAN = Duration.ofDays(30);
  static final int DOMAINS = 50;
  static final int ACCOUNTS = 20;
  static final String SECRET = "bench-secret-0123456789-abcdefghijklmnop";
  static final int WARM_UP_RATE = 100;
  static final int WARM_UP_SECONDS = 20;
  static final int MAX_WARM_UP_BATCHES = 8;
  /** A warm-up batch that compiled for less than this (JIT time, summed over compiler threads) is quiet. */
  static final long QUIET_JIT_MS = 100;
  static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

  public static void main(String[] args) throws Exception {
    int records = 1_000_000;
    int rate = 25;
    int seconds = 120;
    List<Duration> ranges = List.of(Duration.ofHours(24), Duration.ofDays(7), Duration.ofDays(30));
    boolean skipIndex = false;
    Path samplesOut = null;
    int status = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--skip-index" -> skipIndex = true;
        case "--samples-out" -> samplesOut = Path.of(args[++i]);
        case "--ranges" -> ranges = Arrays.stream(args[++i].split(",")).map(QueryBench::range).toList();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    String env = System.getenv("ES_URL");
    LocalElasticsearch local = null;
    String es;
    if (env != null && !env.isBlank()) {
      es = env;
    } else {
      local = TestElasticsearch.dedicated("bench").start();
      es = local.url();
    }
    try {
      System.out.printf("Elasticsearch %s%n", es);
      if (!skipIndex) {
        index(es, records);
        compactPastDays(es);
      }
      settle(es);
      if (!run(es, rate, seconds, ranges, samplesOut)) {
        status = 2;
      }
    } catch (Exception e) {
      System.out.println("benchmark failed: " + e);
      e.printStackTrace(System.out);
      status = 1;
    } finally {
      if (local != null) {
        local.close();
      }
    }
    System.exit(status);
  }

  static void index(String es, int n) {
    Seeder seeder = new Seeder(es);
    seeder.installTemplate();
    Random rnd = new Random(1);
    long t0 = System.nanoTime();
    int batch = 10_000;
    for (int start = 0; start < n; start += batch) {
      List<TraceRecord> page = new ArrayList<>(batch);
      for (int i = start; i < Math.min(n, start + batch); i++) {
        page.add(record(rnd, i));
      }
      seeder.index(page, batch);
      if ((start / batch) % 10 == 0) {
        System.out.printf("indexed %,d / %,d%n", start + page.size(), n);
      }
    }
    seeder.refresh();
    System.out.printf("indexed %,d records in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The steady state of a running platform: ingest merges each week into one segment an hour after
   * it ends ({@link Compaction}); the newest week of the data is still being written, so it stays
   * as indexed. Uses ingest's own store and policy, one merge at a time as ingest does.
   */
  static void compactPastDays(String es) throws Exception {
    Vertx vertx = Vertx.vertx();
    // Right after a bulk load of a million records a 1 GB node can take minutes to answer a stats call.
    try (ElasticsearchTraceStore store = new ElasticsearchTraceStore(vertx, List.of(es), Duration.ofMinutes(5), 2)) {
      long t0 = System.nanoTime();
      int merged = 0;
      while (true) {
        List<String> due = Compaction.due(awaitSlow(store.segmentCounts()), END);
        if (due.isEmpty()) {
          break;
        }
        if (!awaitSlow(store.forceMergeRunning())) {
          awaitSlow(store.startForceMerge(due.get(0)));
          merged++;
        }
        Thread.sleep(500); // polling Elasticsearch's merge, not test synchronisation
      }
      while (awaitSlow(store.forceMergeRunning())) {
        Thread.sleep(500);
      }
      System.out.printf("compacted %d past weeks into one segment each in %.1f s (the newest week stays as written)%n",
          merged, (System.nanoTime() - t0) / 1e9);
    } finally {
      await(vertx.close());
    }
  }

  /** "24h" or "7d". */
  static Duration range(String s) {
    String v = s.trim();
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("range like 24h or 7d: " + s);
    };
  }

  /**
   * Measuring while Elasticsearch still merges the segments of the bulk load measures the merges:
   * wait until no merge runs, as on a node in steady state.
   */
  static void settle(String es) throws InterruptedException {
    Seeder seeder = new Seeder(es);
    seeder.refresh();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      String stats = seeder.send("GET", "/" + TraceIndex.PREFIX + "*/_stats/merge", new byte[0], "application/json");
      long current = new io.vertx.core.json.JsonObject(stats).getJsonObject("_all").getJsonObject("total")
          .getJsonObject("merges").getLong("current");
      if (current == 0) {
        return;
      }
      Thread.sleep(1000); // polling an external process, not test synchronisation
    }
    System.out.println("merges still running after 10 minutes; measuring anyway");
  }

  static TraceRecord record(Random rnd, int i) {
    int d = rnd.nextInt(DOMAINS);
    String domain = "d" + d + ".example";
    String account = "acct" + rnd.nextInt(ACCOUNTS) + "@" + domain;
    Instant ts = END.minusMillis(1 + (long) (rnd.nextDouble() * (SPAN.toMillis() - 1)));
    List<DkimSignatureInfo> dkim = new ArrayList<>();
    if (d % 3 == 0) {
      dkim.add(new DkimSignatureInfo(domain, "mt2609010001", DkimKind.CUSTOM, "rsa-sha256", "relaxed/relaxed", List.of("from", "to", "subject", "date")));
    }
    dkim.add(new DkimSignatureInfo("mailtrace.net", "shared1", DkimKind.SHARED, "rsa-sha256", "relaxed/relaxed", List.of("from", "to", "subject", "date")));
    String id = String.format("B%011d", i);
    return new TraceRecord(id, ts, account, domain, account, account, "Order confirmation " + i, "<" + id + "@" + domain + ">",
        2000 + rnd.nextInt(40_000), "10.1." + rnd.nextInt(256) + "." + rnd.nextInt(256), "mta.test",
        new TlsInfo(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256"), TraceStatus.RELAYED, null,
        List.of(new RecipientOutcome("r" + rnd.nextInt(10_000) + "@rcpt.test", RecipientStatus.RELAYED, "250 2.0.0 Ok", "mx.test:25")),
        dkim, null, "node-1");
  }

  /** Runs every range; true when all goals were met. */
  static boolean run(String es, int rate, int seconds, List<Duration> ranges, Path samplesOut) throws Exception {
    // As the app's VertxRuntime: native epoll where available.
    Vertx apiVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    ApiVerticle api = new ApiVerticle(ApiConfig.of("127.0.0.1", 0, SECRET, List.of(es)));
    await(apiVertx.deployVerticle(api));
    // One domain-admin per domain, as on the platform: the API's scope filter is then exactly the
    // one the raw query carries.
    TokenIssuer issuer = new TokenIssuer(SECRET);
    List<String> tokens = java.util.stream.IntStream.range(0, DOMAINS)
        .mapToObj(i -> issuer.issue("admin@d" + i + ".example", Role.DOMAIN_ADMIN, List.of("d" + i + ".example"), Duration.ofHours(2)))
        .toList();
    // The load generator has its own Vert.x instance (its own event loop).
    Vertx load = Vertx.vertx();
    URI esUri = URI.create(es);
    HttpClient client = load.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(64));

    boolean allMet = true;
    List<String> summary = new ArrayList<>();
    for (Duration range : ranges) {
      String label = range.toHours() <= 48 ? range.toHours() + "h" : range.toDays() + "d";
      System.out.printf("%n== domain+account search over the last %s (newest first, size 50) ==%n", label);
      // Steady state, as on a server that has been up for a while: a few thousand requests first,
      // so that both paths are JIT-compiled (at the measured rate alone C2 takes minutes).
      // Batches until a batch compiles little (C2 on two busy cores takes a while), so that
      // compilations do not land in the measured minute.
      int warmRate = Math.max(rate, WARM_UP_RATE);
      for (int batch = 1; batch <= MAX_WARM_UP_BATCHES; batch++) {
        long jit0 = JIT.getTotalCompilationTime();
        measure(load, client, api.actualPort(), esUri, tokens, warmRate, WARM_UP_SECONDS, range, new Random(6 + batch));
        long jitMs = JIT.getTotalCompilationTime() - jit0;
        System.out.printf("warm-up batch %d: %d s at %d req/s per target, %d ms compiling%n", batch, WARM_UP_SECONDS, warmRate, jitMs);
        if (jitMs < QUIET_JIT_MS) {
          break;
        }
      }
      System.out.printf("measuring: %d s at %d req/s per target (open loop, interleaved)%n", seconds, rate);
      long jit0 = JIT.getTotalCompilationTime();
      long[] gc0 = gcCountAndMs();
      long[][] lat = measure(load, client, api.actualPort(), esUri, tokens, rate, seconds, range, new Random(8));
      long[] gc1 = gcCountAndMs();
      System.out.printf("during the measurement, this JVM (API and load generator): %d ms compiling, %d GC pauses, %d ms in GC%n",
          JIT.getTotalCompilationTime() - jit0, gc1[0] - gc0[0], gc1[1] - gc0[1]);
      report("API (GET /api/v1/mail-sent)", lat[0]);
      report("raw Elasticsearch _search  ", lat[1]);
      double apiP50 = pct(lat[0], 50);
      double apiP99 = pct(lat[0], 99);
      double rawP50 = pct(lat[1], 50);
      double rawP99 = pct(lat[1], 99);
      boolean overhead = apiP99 <= rawP99 + 2;
      boolean absolute = apiP99 < 50;
      allMet &= overhead && absolute;
      double[] ci = p99DifferenceInterval(lat[0], lat[1], rate, new Random(9));
      System.out.printf("difference: p50 %+.2f ms, p99 %+.2f ms (95%% interval %+.2f to %+.2f ms: paired 1-s block bootstrap)%n",
          apiP50 - rawP50, apiP99 - rawP99, ci[0], ci[1]);
      System.out.printf("goal API p99 <= raw p99 + 2 ms: %s; goal API p99 < 50 ms: %s%n",
          overhead ? "met" : "NOT met", absolute ? "met" : "NOT met");
      summary.add(String.format("%-4s API p50 %6.2f p99 %6.2f | raw p50 %6.2f p99 %6.2f | p99 diff %+6.2f ms [%+.2f, %+.2f] | %s",
          label, apiP50, apiP99, rawP50, rawP99, apiP99 - rawP99, ci[0], ci[1], overhead && absolute ? "goals met" : "goals NOT met"));
      if (samplesOut != null) {
        writeSamples(samplesOut.resolve("latency-" + label + ".csv"), lat[0], lat[1]);
      }
    }
    System.out.printf("%nsummary at %d req/s per target:%n", rate);
    summary.forEach(l -> System.out.println("  " + l));
    // Closed explicitly: Vert.x 5 closes an unreachable client, with its connections, on GC.
    await(client.close());
    await(load.close());
    await(apiVertx.close());
    return allMet;
  }

  /** Sends rate req/s to each target for the duration; returns latencies (ms) measured from the scheduled send time. */
  static long[][] measure(Vertx load, HttpClient client, int apiPort, URI es, List<String> tokens, int rate, int seconds,
      Duration range, Random rnd) throws Exception {
    int total = rate * seconds;
    long[] apiLat = new long[total];
    long[] rawLat = new long[total];
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(2 * total);
    long periodNanos = 1_000_000_000L / (2L * rate);
    long start = System.nanoTime() + 50_000_000L;
    Instant from = END.minus(range);
    String rawPath = "/" + String.join(",", TraceIndex.searchTargets(from, END)) + "/_search?ignore_unavailable=true&allow_no_indices=true";
    for (int i = 0; i < 2 * total; i++) {
      int k = i / 2;
      boolean viaApi = i % 2 == 0;
      int d = rnd.nextInt(DOMAINS);
      String domain = "d" + d + ".example";
      String token = tokens.get(d);
      String account = "acct" + rnd.nextInt(ACCOUNTS) + "@" + domain;
      long scheduled = start + i * periodNanos;
      long delayMs = Math.max(1, (scheduled - System.nanoTime()) / 1_000_000);
      load.setTimer(delayMs, t -> {
        Future<Integer> sent;
        if (viaApi) {
          String uri = "/api/v1/mail-sent?domain=" + enc(domain) + "&account=" + enc(account) + "&from=" + from + "&to=" + END + "&size=50";
          sent = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(apiPort).setURI(uri)
                  .putHeader("Authorization", "Bearer " + token))
              .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())));
        } else {
          // The same body the API sends for this request (scope = the caller's domains, as the API adds it).
          SearchFilters f = new SearchFilters(from, END, domain, account, null, null, null, null, null, null, null, null);
          Buffer body = TraceQueries.searchBody(f, TenantScope.only(Set.of(domain)), 50, java.util.Optional.empty()).toBuffer();
          sent = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(es.getHost()).setPort(es.getPort())
                  .setURI(rawPath).putHeader("Content-Type", "application/json"))
              .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> resp.statusCode())));
        }
        sent.onComplete(ar -> {
          long ms = (System.nanoTime() - scheduled) / 1_000;
          if (ar.failed() || ar.result() != 200) {
            errors.incrementAndGet();
          }
          (viaApi ? apiLat : rawLat)[k] = ms; // microseconds
          done.countDown();
        });
      });
    }
    if (!done.await(seconds + 120L, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests did not finish within " + (seconds + 120) + " s: the target rate is above what this machine serves; lower --rate");
    }
    if (errors.get() > 0) {
      System.out.printf("errors: %d%n", errors.get());
    }
    return new long[][] {apiLat, rawLat};
  }

  /**
   * How precisely this run measured the p99 difference: resamples whole seconds of the run (the
   * API and raw samples of the same second together, since an Elasticsearch pause hits both) and
   * returns the 2.5th and 97.5th percentiles of the resampled p99 differences, in ms. A tail
   * estimate from a few thousand samples moves by milliseconds from run to run; this says by how
   * much for this run.
   */
  static double[] p99DifferenceInterval(long[] api, long[] raw, int perSecond, Random rnd) {
    int blocks = api.length / perSecond;
    int resamples = 2000;
    double[] diffs = new double[resamples];
    long[] a = new long[blocks * perSecond];
    long[] r = new long[blocks * perSecond];
    for (int i = 0; i < resamples; i++) {
      for (int b = 0; b < blocks; b++) {
        int from = rnd.nextInt(blocks) * perSecond;
        System.arraycopy(api, from, a, b * perSecond, perSecond);
        System.arraycopy(raw, from, r, b * perSecond, perSecond);
      }
      diffs[i] = pct(a, 99) - pct(r, 99);
    }
    Arrays.sort(diffs);
    return new double[] {diffs[(int) (resamples * 0.025)], diffs[(int) (resamples * 0.975) - 1]};
  }

  /** One row per scheduled pair, in send order: the API's and the raw request's latency, in microseconds. */
  static void writeSamples(Path file, long[] api, long[] raw) throws IOException {
    Files.createDirectories(file.getParent());
    StringBuilder csv = new StringBuilder("api_us,raw_us\n");
    for (int k = 0; k < api.length; k++) {
      csv.append(api[k]).append(',').append(raw[k]).append('\n');
    }
    Files.writeString(file, csv);
    System.out.printf("samples written to %s%n", file);
  }

  /** Collections and milliseconds spent in them, over all of this JVM's collectors. */
  static long[] gcCountAndMs() {
    long count = 0;
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      ms += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, ms};
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static double pct(long[] micros, double p) {
    long[] s = micros.clone();
    Arrays.sort(s);
    int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, idx))] / 1000.0;
  }

  static void report(String name, long[] micros) {
    System.out.printf("%s  n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n", name, micros.length,
        pct(micros, 50), pct(micros, 90), pct(micros, 99), pct(micros, 100));
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** For calls bounded by the store's own 5-minute request timeout, which reports what timed out. */
  static <T> T awaitSlow(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(6, TimeUnit.MINUTES);
  }
}
