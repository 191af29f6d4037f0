package io.mailtrace.ingest;

import io.mailtrace.devstack.LocalElasticsearch;
import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.testkit.TestElasticsearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench/ingest/run}: records/s from a filled journal into Elasticsearch through the ingest
 * pipeline, against a raw {@code _bulk} loader sending the same documents (same ids, same index,
 * same batch size and number of requests in flight) to the same node in the same run. Each side
 * runs twice on a fresh index, alternating; the better run of each counts.
 *
 * <p>Arguments: {@code [records] [batchRecords] [inFlight]} (defaults 100000, ingest defaults).
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path work = Files.createTempDirectory("mailtrace-bench-");
    IngestConfig defaults = IngestConfig.defaults("http://x", work.resolve("dead-letters.ndjson"));
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : defaults.batchMaxRecords();
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : defaults.maxInFlightBatches();

    String envUrl = System.getenv("ES_URL");
    LocalElasticsearch node = null;
    String url;
    if (envUrl != null && !envUrl.isBlank()) {
      url = envUrl;
    } else {
      node = TestElasticsearch.dedicated("bench");
      node.start();
      url = node.url();
    }
    EsHttp es = new EsHttp(url);
    Instant day = Instant.parse("2030-01-01T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    List<TraceRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(TestRecords.record(day, i));
    }
    System.out.printf("bench: %,d records (%,d bytes of JSON), batch %d, %d requests in flight, Elasticsearch %s%n",
        n, records.stream().mapToLong(r -> TraceJson.toBytes(r).length + 1).sum(), batch, inFlight, url);

    // the journal is filled once, before timing: the figure is journal -> Elasticsearch
    JournalConfig journalConfig = JournalConfig.defaults(work.resolve("journal"));
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      List<io.vertx.core.Future<Void>> pending = new ArrayList<>();
      for (TraceRecord r : records) {
        pending.add(journal.append(r));
      }
      Await.result(io.vertx.core.Future.all(pending));
    }
    Path journalCopy = work.resolve("journal-copy");
    copyDir(journalConfig.directory(), journalCopy);

    double bestRaw = 0;
    double bestIngest = 0;
    try {
      for (int round = 1; round <= 2; round++) {
        reset(es, index);
        double raw = rawLoad(url, records, batch, inFlight, index);
        System.out.printf("round %d raw _bulk loader : %,10.0f records/s%n", round, raw);
        bestRaw = Math.max(bestRaw, raw);
        reset(es, index);
        copyDir(journalCopy, journalConfig.directory());
        double ingest = ingest(url, journalConfig, n, batch, inFlight, work);
        System.out.printf("round %d journal -> ES     : %,10.0f records/s%n", round, ingest);
        bestIngest = Math.max(bestIngest, ingest);
        if (es.count(index) != n) {
          throw new IllegalStateException("expected " + n + " documents, found " + es.count(index));
        }
      }
    } finally {
      reset(es, index);
      if (node != null) {
        node.close();
      }
    }
    System.out.printf("RESULT raw=%.0f rec/s ingest=%.0f rec/s ratio=%.2f (goal >= 0.90)%n", bestRaw, bestIngest, bestIngest / bestRaw);
    System.exit(0);
  }

  private static void reset(EsHttp es, String index) {
    es.send("DELETE", "/" + index, null);
  }

  private static double ingest(String url, JournalConfig journalConfig, int n, int batch, int inFlight, Path work) throws Exception {
    IngestConfig config = IngestConfig.defaults(url, work.resolve("dead-letters.ndjson"))
        .withMaxInFlightBatches(inFlight)
        .withRetention(36500, Duration.ofHours(1));
    config = config.withBatch(batch, config.batchMaxBytes(), config.linger());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Vertx vertx = Vertx.vertx();
    try {
      long t0 = System.nanoTime();
      Await.result(vertx.deployVerticle(new IngestVerticle(config, journalConfig, registry)));
      Await.until(Duration.ofMinutes(10), "all records acknowledged", () ->
          registry.get("mailtrace.ingest.indexed").counter().count() + registry.get("mailtrace.ingest.duplicates").counter().count()
              + registry.get("mailtrace.ingest.dead.lettered").counter().count() >= n);
      long t1 = System.nanoTime();
      return n / ((t1 - t0) / 1e9);
    } finally {
      Await.result(vertx.close());
    }
  }

  /** The reference: pre-built bulk bodies posted by {@code inFlight} threads, no journal, no checks beyond errors. */
  private static double rawLoad(String url, List<TraceRecord> records, int batch, int inFlight, String index) throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < records.size(); i += batch) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (TraceRecord r : records.subList(i, Math.min(records.size(), i + batch))) {
        out.write(("{\"create\":{\"_index\":\"" + index + "\",\"_id\":\"" + r.id() + "\"}}\n").getBytes(StandardCharsets.UTF_8));
        out.write(TraceJson.toBytes(r));
        out.write('\n');
      }
      bodies.add(out.toByteArray());
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // the index template must be in place for the raw loader too (strict mapping, same settings)
    new EsHttp(url).send("PUT", "/_index_template/" + TraceIndex.TEMPLATE_NAME, TraceIndex.templateJson());
    ExecutorService pool = Executors.newFixedThreadPool(inFlight);
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < inFlight; t++) {
      workers.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < bodies.size()) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/_bulk"))
              .header("content-type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200 || r.body().startsWith("{\"errors\":true")) {
            throw new IllegalStateException("raw bulk failed: " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
          }
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    long t1 = System.nanoTime();
    pool.shutdown();
    return records.size() / ((t1 - t0) / 1e9);
  }

  private static void copyDir(Path from, Path to) throws java.io.IOException {
    if (Files.exists(to)) {
      try (var s = Files.walk(to)) {
        s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(to);
    try (var s = Files.list(from)) {
      for (Path p : s.toList()) {
        if (Files.isRegularFile(p) && p.getFileName().toString().startsWith("segment-")) {
          Files.copy(p, to.resolve(p.getFileName()));
        }
      }
    }
  }
}
