package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.devstack.LocalElasticsearch;
import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.testkit.TestElasticsearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Elasticsearch (a node of this test's own) stopped in the middle of the stream and started again. */
class ElasticsearchOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(180);

  @TempDir Path dir;

  @Test
  void everyRecordIsIndexedExactlyOnceAcrossAnElasticsearchOutage() throws Exception {
    Instant day = Instant.parse("2027-03-01T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    JournalConfig journalConfig = JournalConfig.defaults(dir.resolve("journal")).withSegmentBytes(128 * 1024);
    Vertx vertx = Vertx.vertx();
    List<String> appended = new ArrayList<>();
    try (LocalElasticsearch node = TestElasticsearch.dedicated("outage");
        FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      node.start();
      EsHttp es = new EsHttp(node.url());
      IngestConfig config = IngestConfig.defaults(node.url(), dir.resolve("dead-letters.ndjson"))
          .withBatch(100, 1 << 20, Duration.ofMillis(20))
          .withRetry(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(10))
          .withRetention(36500, Duration.ofHours(1));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Await.result(vertx.deployVerticle(new IngestVerticle(config, journalConfig, registry)));

      TestRecords.append(journal, day, 0, 2_000).forEach(r -> appended.add(r.id()));
      Await.until(WAIT, "ingest under way", () -> es.count(index) >= 200);
      node.close(); // stopped mid-stream
      TestRecords.append(journal, day, 2_000, 2_000).forEach(r -> appended.add(r.id())); // the signer goes on journaling meanwhile
      Await.until(WAIT, "ingest notices the outage", () ->
          registry.get("mailtrace.ingest.retries").tag("scope", "request").counter().count() > 0);
      node.start(); // same port, same data
      TestRecords.append(journal, day, 4_000, 1_000).forEach(r -> appended.add(r.id()));
      Await.until(WAIT, "all 5,000 records indexed", () -> es.count(index) == 5_000);
      Await.until(WAIT, "lag drains", () -> registry.get("mailtrace.ingest.lag.bytes").gauge().value() == 0);
      assertThat(es.count(index)).isEqualTo(5_000);
      assertThat(registry.get("mailtrace.ingest.indexed").counter().count()
          + registry.get("mailtrace.ingest.duplicates").counter().count()).isEqualTo(5_000);
      ExactlyOnceOracle.assertExactlyOnce(es, index, appended, dir.resolve("dead-letters.ndjson"));
      assertThat(dir.resolve("dead-letters.ndjson")).doesNotExist();
    } finally {
      Await.result(vertx.close());
    }
  }
}
