package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalFullException;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.testkit.TestElasticsearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest pipeline against the real (shared) Elasticsearch. Each test writes to its own day. */
class IngestIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static String esUrl;
  private static EsHttp es;

  @TempDir Path dir;
  private Vertx vertx;
  private JournalConfig journalConfig;

  @BeforeAll
  static void elasticsearch() {
    esUrl = TestElasticsearch.url();
    es = new EsHttp(esUrl);
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    journalConfig = JournalConfig.defaults(dir.resolve("journal"));
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  private IngestConfig config() {
    return IngestConfig.defaults(esUrl, dir.resolve("dead-letters.ndjson"))
        .withRetry(Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(30))
        .withRetention(36500, Duration.ofHours(1));
  }

  private String deploy(IngestConfig config, SimpleMeterRegistry registry) {
    return Await.result(vertx.deployVerticle(new IngestVerticle(config, journalConfig, registry)));
  }

  private JournalPosition checkpoint() {
    return JournalPositions.checkpoint(journalConfig);
  }

  private JournalPosition end() throws IOException {
    return JournalPositions.end(journalConfig);
  }

  @Test
  void tenThousandRecordsAreSearchableAndAReplayFromZeroChangesNothing() throws Exception {
    Instant day = Instant.parse("2027-01-04T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    List<TraceRecord> records;
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      records = TestRecords.append(journal, day, 0, 10_000);
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String id = deploy(config(), registry);
    Await.until(WAIT, "10,000 documents in " + index, () -> es.count(index) == 10_000);
    // searchable through the alias, by a field value
    TraceRecord probe = records.get(4321);
    EsHttp.Reply hit = es.send("POST", "/" + TraceIndex.ALIAS + "/_search",
        "{\"query\":{\"term\":{\"message_id\":\"" + probe.messageId() + "\"}}}");
    assertThat(hit.json().path("hits").path("hits").get(0).path("_id").asText()).isEqualTo(probe.id());
    JournalPosition end = end();
    Await.until(WAIT, "checkpoint at the end", () -> checkpoint().equals(end));
    // a bulk whose answer was lost (timeout on a loaded machine) comes back as 409s on retry
    assertThat(registry.get("mailtrace.ingest.indexed").counter().count()
        + registry.get("mailtrace.ingest.duplicates").counter().count()).isEqualTo(10_000);
    assertThat(registry.get("mailtrace.ingest.lag.bytes").gauge().value()).isGreaterThanOrEqualTo(0);
    Await.result(vertx.undeploy(id));

    // replay the whole journal from position 0
    Files.delete(journalConfig.checkpointFile());
    SimpleMeterRegistry replay = new SimpleMeterRegistry();
    deploy(config(), replay);
    Await.until(WAIT, "replay acknowledged", () -> checkpoint().equals(end));
    assertThat(replay.get("mailtrace.ingest.duplicates").counter().count()).isEqualTo(10_000);
    assertThat(replay.get("mailtrace.ingest.indexed").counter().count()).isZero();
    assertThat(es.count(index)).isEqualTo(10_000);
  }

  @Test
  void aRecordViolatingTheMappingIsDeadLetteredAndTheRestOfTheBulkIndexed() throws Exception {
    Instant day = Instant.parse("2027-01-11T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    TraceRecord bad = TestRecords.withIp(day, 25, "not-an-ip-address");
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      TestRecords.append(journal, day, 0, 25);
      Await.result(journal.append(bad));
      TestRecords.append(journal, day, 26, 24);
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    deploy(config(), registry);
    JournalPosition end = end();
    Await.until(WAIT, "checkpoint past every record", () -> checkpoint().equals(end));
    assertThat(es.count(index)).isEqualTo(49);
    assertThat(es.send("GET", "/" + index + "/_doc/" + bad.id(), null).status()).isEqualTo(404);
    List<String> letters = Files.readAllLines(dir.resolve("dead-letters.ndjson"));
    assertThat(letters).hasSize(1);
    var letter = TraceJson.mapper().readTree(letters.get(0));
    assertThat(letter.path("reason").asText()).contains("HTTP 400").contains("client_ip");
    assertThat(TraceJson.parse(letter.path("line").asText())).isEqualTo(bad);
    assertThat(registry.get("mailtrace.ingest.dead.lettered").counter().count()).isEqualTo(1);
  }

  @Test
  void aJournalTruncatedInsideItsLastRecordShipsTheIntactOnesAndQuarantinesTheRest() throws Exception {
    Instant day = Instant.parse("2027-01-18T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    List<TraceRecord> records;
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      records = TestRecords.append(journal, day, 0, 20);
    }
    Path segment;
    try (Stream<Path> s = Files.list(journalConfig.directory())) {
      segment = s.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    String last = TraceJson.toJson(records.get(19));
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1 - last.length() / 2); // cut the last record in the middle (and its newline)
    }
    SimpleMeterRegistry journalMetrics = new SimpleMeterRegistry();
    FileJournal.open(journalConfig, journalMetrics).close(); // the writer's restart finds the torn tail
    assertThat(journalMetrics.get("mailtrace.journal.quarantined").counter().count()).isEqualTo(1);
    List<Path> quarantined;
    try (Stream<Path> s = Files.list(journalConfig.quarantineDirectory())) {
      quarantined = s.toList();
    }
    assertThat(quarantined).hasSize(1);
    assertThat(last).startsWith(Files.readString(quarantined.get(0)));

    deploy(config(), new SimpleMeterRegistry());
    JournalPosition end = end();
    Await.until(WAIT, "checkpoint at the end", () -> checkpoint().equals(end));
    assertThat(es.count(index)).isEqualTo(19);
    assertThat(es.send("GET", "/" + index + "/_doc/" + records.get(19).id(), null).status()).isEqualTo(404);
    assertThat(dir.resolve("dead-letters.ndjson")).doesNotExist();
  }

  @Test
  void aFullJournalRefusesAppendsUntilIngestAcknowledgesASegment() throws Exception {
    Instant day = Instant.parse("2027-01-25T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    journalConfig = journalConfig.withSegmentBytes(8 * 1024).withMaxTotalBytes(32 * 1024);
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      int written = 0;
      Throwable refused = null;
      while (refused == null) {
        try {
          Await.result(journal.append(TestRecords.record(day, written)));
          written++;
        } catch (AssertionError e) {
          refused = e.getCause();
        }
      }
      assertThat(refused).isInstanceOf(JournalFullException.class).hasMessageContaining("full");
      assertThat(written).isGreaterThan(20);

      deploy(config(), new SimpleMeterRegistry());
      int next = written;
      Await.until(WAIT, "an append accepted again", () -> {
        try {
          journal.append(TestRecords.record(day, next)).toCompletionStage().toCompletableFuture().get();
          return true;
        } catch (Exception e) {
          assertThat(e.getCause()).isInstanceOf(JournalFullException.class);
          return false;
        }
      });
      int total = written + 1;
      Await.until(WAIT, "every record indexed", () -> es.count(index) == total);
    }
  }

  @Test
  void retentionDeletesWeeklyIndicesOlderThanTheLimitByName() {
    // 30 days back from 2026-11-28 is 2026-10-30, in week 44; week 43 ended on 2026-10-25
    for (String name : List.of("mailtrace-sent-2026-w03", "mailtrace-sent-2026-w43", "mailtrace-sent-2026-w44", "mailtrace-sent-archive")) {
      EsHttp.Reply r = es.send("PUT", "/" + name, null);
      assertThat(r.status()).as(r.body()).isIn(200, 400); // 400: exists from an earlier run
    }
    Clock fixed = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    IngestConfig config = config().withRetention(30, Duration.ofHours(1));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Await.result(vertx.deployVerticle(new IngestVerticle(config, journalConfig, registry, fixed,
        Backoff.withRandomJitter(config.retryBase(), config.retryMax()), null)));
    Await.until(WAIT, "old indices deleted", () -> !es.exists("mailtrace-sent-2026-w03") && !es.exists("mailtrace-sent-2026-w43"));
    assertThat(es.exists("mailtrace-sent-2026-w44")).isTrue();
    assertThat(es.exists("mailtrace-sent-archive")).isTrue();
    assertThat(registry.get("mailtrace.ingest.retention.deleted").counter().count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void compactionMergesPastWeeksIntoOneSegmentNewestFirstAndLeavesThisWeekAlone() {
    // Mondays of 2031's weeks 8, 9 and 10; "now" is the Wednesday of week 10
    Map<String, String> weeks = new LinkedHashMap<>();
    weeks.put("mailtrace-sent-2031-w08", "2031-02-17");
    weeks.put("mailtrace-sent-2031-w09", "2031-02-24");
    weeks.put("mailtrace-sent-2031-w10", "2031-03-03");
    weeks.forEach((name, monday) -> {
      es.send("DELETE", "/" + name, null);
      for (int i = 0; i < 3; i++) { // one segment per refresh
        EsHttp.Reply r = es.send("POST", "/" + name + "/_doc?refresh=true",
            "{\"id\":\"C" + i + "\",\"@timestamp\":\"" + monday + "T10:00:0" + i + "Z\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
      }
      assertThat(segments(name)).isEqualTo(3);
    });
    Clock fixed = Clock.fixed(Instant.parse("2031-03-05T12:00:00Z"), ZoneOffset.UTC);
    IngestConfig config = config();
    IngestVerticle ingest = new IngestVerticle(config, journalConfig, new SimpleMeterRegistry(), fixed,
        Backoff.withRandomJitter(config.retryBase(), config.retryMax()), null);
    Await.result(vertx.deployVerticle(ingest));

    assertThat(Await.result(ingest.runCompaction())).contains("mailtrace-sent-2031-w09");
    Await.until(WAIT, "2031-w09 merged", () -> segments("mailtrace-sent-2031-w09") == 1);
    Await.until(WAIT, "the merge task gone", () -> !Await.result(ingest.store().forceMergeRunning()));
    assertThat(Await.result(ingest.runCompaction())).contains("mailtrace-sent-2031-w08");
    Await.until(WAIT, "2031-w08 merged", () -> segments("mailtrace-sent-2031-w08") == 1);

    assertThat(segments("mailtrace-sent-2031-w10")).isEqualTo(3); // this week: still written to
    for (String name : weeks.keySet()) {
      es.send("POST", "/" + name + "/_refresh", null);
      assertThat(es.count(name)).isEqualTo(3);
    }
  }

  private static int segments(String index) {
    EsHttp.Reply r = es.send("GET", "/" + index + "/_stats/segments", null);
    return r.json().path("indices").path(index).path("primaries").path("segments").path("count").asInt();
  }
}
