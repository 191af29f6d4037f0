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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * through the API and raw to Elasticsearch with the identical query body, interleaved in the same
 * run, and prints p50/p99 of each and the difference.
 *
 * <p>Args: {@code [--records N] [--rate R per second per target] [--seconds S] [--skip-index]}.
 * Elasticsearch: {@code ES_URL}, else a local node started for the run.
 */
public final class QueryBench {
  static final Instant END = Instant.parse("2026-10-01T00:00:00Z");
  static final Duration SPAN = Duration.ofDays(30);
  static final int DOMAINS = 50;
  static final int ACCOUNTS = 20;
  static final String SECRET = "bench-secret-0123456789-abcdefghijklmnop";

  public static void main(String[] args) throws Exception {
    int records = 1_000_000;
    int rate = 100;
    int seconds = 30;
    boolean skipIndex = false;
    int status = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records" -> records = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--skip-index" -> skipIndex = true;
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
      }
      run(es, rate, seconds);
    } catch (Exception e) {
      System.out.println("benchmark failed: " + e);
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

  static void run(String es, int rate, int seconds) throws Exception {
    Vertx apiVertx = Vertx.vertx();
    ApiVerticle api = new ApiVerticle(ApiConfig.of("127.0.0.1", 0, SECRET, List.of(es)));
    await(apiVertx.deployVerticle(api));
    String token = new TokenIssuer(SECRET).issue("bench", Role.DOMAIN_ADMIN,
        java.util.stream.IntStream.range(0, DOMAINS).mapToObj(i -> "d" + i + ".example").toList(), Duration.ofHours(2));
    // The load generator has its own Vert.x instance (its own event loop).
    Vertx load = Vertx.vertx();
    URI esUri = URI.create(es);
    HttpClient client = load.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(64));

    System.out.printf("warm-up: 5 s at %d req/s per target%n", rate);
    measure(load, client, api.actualPort(), esUri, token, rate, 5, new Random(7));
    System.out.printf("measuring: %d s at %d req/s per target (open loop, interleaved)%n", seconds, rate);
    long[][] lat = measure(load, client, api.actualPort(), esUri, token, rate, seconds, new Random(8));
    report("API (GET /api/v1/mail-sent)", lat[0]);
    report("raw Elasticsearch _search  ", lat[1]);
    double apiP50 = pct(lat[0], 50);
    double apiP99 = pct(lat[0], 99);
    double rawP50 = pct(lat[1], 50);
    double rawP99 = pct(lat[1], 99);
    System.out.printf("difference: p50 %+.2f ms, p99 %+.2f ms%n", apiP50 - rawP50, apiP99 - rawP99);
    System.out.printf("goal API p99 <= raw p99 + 2 ms: %s; goal API p99 < 50 ms: %s%n",
        apiP99 <= rawP99 + 2 ? "met" : "NOT met", apiP99 < 50 ? "met" : "NOT met");
    await(load.close());
    await(apiVertx.close());
  }

  /** Sends rate req/s to each target for the duration; returns latencies (ms) measured from the scheduled send time. */
  static long[][] measure(Vertx load, HttpClient client, int apiPort, URI es, String token, int rate, int seconds, Random rnd) throws Exception {
    int total = rate * seconds;
    long[] apiLat = new long[total];
    long[] rawLat = new long[total];
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(2 * total);
    long periodNanos = 1_000_000_000L / (2L * rate);
    long start = System.nanoTime() + 50_000_000L;
    Instant from = END.minus(SPAN);
    for (int i = 0; i < 2 * total; i++) {
      int k = i / 2;
      boolean viaApi = i % 2 == 0;
      String domain = "d" + rnd.nextInt(DOMAINS) + ".example";
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
                  .setURI("/" + String.join(",", TraceIndex.searchTargets(from, END)) + "/_search?ignore_unavailable=true&allow_no_indices=true").putHeader("Content-Type", "application/json"))
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
}
