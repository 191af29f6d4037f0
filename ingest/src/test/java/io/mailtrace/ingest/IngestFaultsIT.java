package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.testkit.FaultProxy;
import io.mailtrace.testkit.TestElasticsearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Ingest-side fault recipes of issue 8, each against the real (shared) Elasticsearch, with records
 * written by the real {@link FileJournal} as the signer writes them, and each ending with the
 * {@link ExactlyOnceOracle}. Each test writes to a week (weekly index) of its own.
 */
class IngestFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static String esUrl;
  private static EsHttp es;

  @TempDir Path dir;
  private Vertx vertx;
  private JournalConfig journalConfig;
  private FaultProxy proxy;
  private final List<String> appended = new ArrayList<>();

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
    if (proxy != null) {
      proxy.close();
    }
  }

  private Path deadLetters() {
    return dir.resolve("dead-letters.ndjson");
  }

  private IngestConfig config(String url) {
    return IngestConfig.defaults(url, deadLetters())
        .withBatch(200, 1 << 20, Duration.ofMillis(20))
        .withRetry(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(20))
        .withRetention(36500, Duration.ofHours(1));
  }

  private String deploy(IngestConfig config, SimpleMeterRegistry registry, Backoff backoff) {
    return Await.result(vertx.deployVerticle(new IngestVerticle(config, journalConfig, registry, Clock.systemUTC(), backoff, null)));
  }

  private String deploy(IngestConfig config, SimpleMeterRegistry registry) {
    return deploy(config, registry, Backoff.withRandomJitter(config.retryBase(), config.retryMax()));
  }

  private List<TraceRecord> append(FileJournal journal, Instant day, int from, int count) {
    List<TraceRecord> records = TestRecords.append(journal, day, from, count);
    records.forEach(r -> appended.add(r.id()));
    return records;
  }

  private static double counter(SimpleMeterRegistry r, String name) {
    return r.get(name).counter().count();
  }

  private static double retries(SimpleMeterRegistry r, String scope) {
    return r.get("mailtrace.ingest.retries").tag("scope", scope).counter().count();
  }

  private void awaitCheckpointAtEnd() throws IOException {
    JournalPositions.awaitCheckpointAtEnd(journalConfig, WAIT);
  }

  // ---- (3) a 429 storm ----

  @Test
  void a429StormRetriesOnlyTheRefusedItemsWithGrowingBackoffAndFlatHeap() throws Exception {
    Instant day = Instant.parse("2027-04-05T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    proxy = FaultProxy.start(esUrl);
    // Deterministic "jitter" (half the ceiling): the delay before attempt n+1 is known exactly.
    Backoff backoff = new Backoff(Duration.ofMillis(40), Duration.ofMillis(640), bound -> bound / 2);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, Integer> refusals = new ConcurrentHashMap<>();
    int[] requestRefusals = new int[1];
    int[] itemRefusals = new int[1];
    boolean[] storm = {false};
    proxy.rule((seq, ids) -> {
      if (!storm[0]) {
        return FaultProxy.Decision.PASS;
      }
      synchronized (refusals) {
        if (seq % 5 == 0 && ids.stream().allMatch(id -> refusals.getOrDefault(id, 0) < 3)) {
          ids.forEach(id -> refusals.merge(id, 1, Integer::sum));
          requestRefusals[0]++;
          return FaultProxy.Decision.REJECT_REQUEST;
        }
        Set<Integer> refused = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
          String id = ids.get(i);
          // about a third of the items, each refused at most 3 times in a row
          if (Math.floorMod(id.hashCode(), 3) == 0 && refusals.getOrDefault(id, 0) < 3) {
            refused.add(i);
            refusals.merge(id, 1, Integer::sum);
          }
        }
        itemRefusals[0] += refused.size();
        return FaultProxy.Decision.rejectItems(refused);
      }
    });
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      deploy(config(proxy.url()), registry, backoff);
      append(journal, day, 0, 1_000); // warm-up without faults
      awaitCheckpointAtEnd();
      long heapBefore = usedHeapAfterGc();
      int warmupRequests = proxy.bulks().size();
      storm[0] = true;
      for (int chunk = 0; chunk < 4; chunk++) {
        append(journal, day, 1_000 + chunk * 1_000, 1_000);
      }
      Await.until(WAIT, "all 5,000 records acknowledged through the storm", () -> es.count(index) == 5_000);
      awaitCheckpointAtEnd();
      long heapAfter = usedHeapAfterGc();

      ExactlyOnceOracle.assertExactlyOnce(es, index, appended, deadLetters());
      List<FaultProxy.BulkSeen> bulks = proxy.bulks().subList(warmupRequests, proxy.bulks().size());
      assertThat(requestRefusals[0]).as("whole requests refused").isPositive();
      assertThat(itemRefusals[0]).as("items refused").isGreaterThan(300);

      // only what was refused was sent again, exactly once per refusal
      Map<String, List<Long>> sends = new HashMap<>();
      for (FaultProxy.BulkSeen b : bulks) {
        for (String id : b.ids()) {
          sends.computeIfAbsent(id, k -> new ArrayList<>()).add(b.arrivedNanos());
        }
      }
      List<String> wrong = new ArrayList<>();
      for (Map.Entry<String, List<Long>> e : sends.entrySet()) {
        int expected = refusals.getOrDefault(e.getKey(), 0) + 1;
        if (e.getValue().size() != expected) {
          wrong.add(e.getKey() + " sent " + e.getValue().size() + "x, refused " + (expected - 1) + "x");
        }
      }
      assertThat(wrong).as("records sent a number of times other than refusals + 1").isEmpty();
      assertThat(sends).as("every stormy record reached the proxy").hasSize(4_000);

      // backoff: the k-th re-send of a record waited at least the k-th delay (which grows, bounded by the max)
      List<String> early = new ArrayList<>();
      for (Map.Entry<String, List<Long>> e : sends.entrySet()) {
        List<Long> t = e.getValue();
        for (int k = 0; k + 1 < t.size(); k++) {
          long gapMillis = (t.get(k + 1) - t.get(k)) / 1_000_000;
          if (gapMillis < backoff.delayMillis(k) - 1) {
            early.add(e.getKey() + ": re-send " + (k + 1) + " after " + gapMillis + " ms, backoff " + backoff.delayMillis(k) + " ms");
          }
        }
      }
      assertThat(early).as("re-sends earlier than the backoff allows").isEmpty();
      assertThat(backoff.delayMillis(0)).isLessThan(backoff.delayMillis(1));
      assertThat(backoff.delayMillis(2)).isLessThan(backoff.delayMillis(3));

      assertThat(retries(registry, "item")).isEqualTo(itemRefusals[0]);
      assertThat(retries(registry, "request")).isEqualTo(requestRefusals[0]);
      assertThat(counter(registry, "mailtrace.ingest.indexed")).isEqualTo(5_000);
      // heap: the retried records are released once acknowledged (generous bound: no leak, not a benchmark)
      assertThat(heapAfter - heapBefore).as("heap growth across the storm: before %d, after %d bytes", heapBefore, heapAfter)
          .isLessThan(48L << 20);
    }
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  // ---- (4) a mapping conflict in a busy bulk, and the replay tool ----

  @Test
  void aMappingConflictIsDeadLetteredTheRestIndexedAndTheFixedRecordReplayedOnce() throws Exception {
    Instant day = Instant.parse("2027-04-12T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TraceRecord bad = TestRecords.withIp(day, 1_000, "not-an-ip-address");
    String deployment;
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      deployment = deploy(config(esUrl).withBatch(500, 4 << 20, Duration.ofMillis(50)), registry);
      append(journal, day, 0, 1_000);
      Await.result(journal.append(bad));
      appended.add(bad.id());
      append(journal, day, 1_001, 999);
      // the pipeline moves on: records appended after the bad one are indexed too
      append(journal, day, 2_000, 300);
      awaitCheckpointAtEnd();
    }
    ExactlyOnceOracle.assertExactlyOnce(es, index, appended, deadLetters());
    assertThat(es.count(index)).isEqualTo(2_299);
    List<String> letters = Files.readAllLines(deadLetters());
    assertThat(letters).hasSize(1);
    JsonNode letter = TraceJson.mapper().readTree(letters.get(0));
    assertThat(letter.path("reason").asText()).contains("HTTP 400").contains("client_ip");
    assertThat(TraceJson.parse(letter.path("line").asText())).isEqualTo(bad);
    assertThat(counter(registry, "mailtrace.ingest.dead.lettered")).isEqualTo(1);
    assertThat(counter(registry, "mailtrace.ingest.indexed")).isEqualTo(2_299);
    Await.result(vertx.undeploy(deployment)); // the replay tool wants the file to itself

    // an operator fixes the record in the file and replays it
    String fixedLetter = withLine(letter, letter.path("line").asText().replace("not-an-ip-address", "192.0.2.77"));
    Files.writeString(deadLetters(), fixedLetter + "\n");
    DeadLetterReplay replay = new DeadLetterReplay(esUrl, Clock.systemUTC());
    assertThat(replay.replay(deadLetters())).isEqualTo(new DeadLetterReplay.Report(1, 0, 0));
    assertThat(Files.readString(deadLetters())).isEmpty();
    assertThat(es.count(index)).isEqualTo(2_300);
    EsHttp.Reply doc = es.send("GET", "/" + index + "/_doc/" + bad.id(), null);
    assertThat(doc.json().path("_source").path("client_ip").asText()).isEqualTo("192.0.2.77");
    ExactlyOnceOracle.assertExactlyOnce(es, index, appended, deadLetters());

    // replaying the same letter again is idempotent; an unfixed letter stays, with its reason
    Files.writeString(deadLetters(), fixedLetter + "\n" + letters.get(0) + "\n");
    assertThat(replay.replay(deadLetters())).isEqualTo(new DeadLetterReplay.Report(0, 1, 1));
    List<String> kept = Files.readAllLines(deadLetters());
    assertThat(kept).hasSize(1);
    JsonNode still = TraceJson.mapper().readTree(kept.get(0));
    assertThat(still.path("line").asText()).isEqualTo(letter.path("line").asText());
    assertThat(still.path("reason").asText()).contains("HTTP 400").contains("client_ip");
    assertThat(es.count(index)).isEqualTo(2_300);
  }

  private static String withLine(JsonNode letter, String line) throws IOException {
    ObjectNode n = ((ObjectNode) letter).deepCopy();
    n.put("line", line);
    return TraceJson.mapper().writeValueAsString(n);
  }

  // ---- (5) replay of the whole journal ----

  @Test
  void replayingTheWholeJournalChangesNoCountAndCountsEveryRecordAsDuplicate() throws Exception {
    Instant day = Instant.parse("2027-04-19T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      append(journal, day, 0, 3_000);
      SimpleMeterRegistry first = new SimpleMeterRegistry();
      String id = deploy(config(esUrl), first);
      awaitCheckpointAtEnd();
      assertThat(counter(first, "mailtrace.ingest.indexed")).isEqualTo(3_000);
      Await.result(vertx.undeploy(id));

      // the operator resets the checkpoint: the whole journal is shipped again from offset 0
      Files.delete(journalConfig.checkpointFile());
      SimpleMeterRegistry replay = new SimpleMeterRegistry();
      deploy(config(esUrl), replay);
      append(journal, day, 3_000, 200); // new mail keeps arriving during the replay
      awaitCheckpointAtEnd();
      assertThat(counter(replay, "mailtrace.ingest.duplicates")).as("duplicates counted by the replay").isEqualTo(3_000);
      assertThat(counter(replay, "mailtrace.ingest.indexed")).as("new records indexed by the replay").isEqualTo(200);
    }
    assertThat(es.count(index)).isEqualTo(3_200);
    ExactlyOnceOracle.assertExactlyOnce(es, index, appended, deadLetters());
    assertThat(deadLetters()).doesNotExist();
  }

  // ---- (7) torn or corrupted tail of a journal segment ----

  @Test
  void aTornOrCorruptedSegmentTailIsQuarantinedAndTheRestIndexed() throws Exception {
    Instant day = Instant.parse("2027-04-26T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    SimpleMeterRegistry journalMetrics = new SimpleMeterRegistry();
    String garbage = "}{ garbage written over a record \u00e9";
    String deployment;
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      append(journal, day, 0, 400);
    } // the writer dies here ...
    // ... leaving a corrupted complete line and half of a record it never acknowledged
    String unacknowledged = TraceJson.toJson(TestRecords.record(day, 999_001));
    appendToLastSegment((garbage + "\n" + unacknowledged.substring(0, unacknowledged.length() / 2)).getBytes(StandardCharsets.UTF_8));
    // ingest restarts before the writer: it ships the intact records, dead-letters the garbage
    // line and waits at the unterminated half record
    deployment = deploy(config(esUrl), new SimpleMeterRegistry());
    Await.until(WAIT, "400 records indexed", () -> es.count(index) == 400);
    Await.until(WAIT, "the garbage line dead-lettered", () -> Files.exists(deadLetters()));

    try (FileJournal journal = FileJournal.open(journalConfig, journalMetrics)) { // the writer restarts: tail recovery
      assertThat(journalMetrics.get("mailtrace.journal.quarantined").counter().count()).isEqualTo(1);
      append(journal, day, 400, 300);
      awaitCheckpointAtEnd();
    }
    Await.result(vertx.undeploy(deployment));
    // a power loss: the file system extended the segment with zeros, and a record was half written
    String alsoUnacknowledged = TraceJson.toJson(TestRecords.record(day, 999_002));
    byte[] zeros = new byte[4096];
    appendToLastSegment(zeros);
    appendToLastSegment(("\n" + alsoUnacknowledged.substring(0, 100)).getBytes(StandardCharsets.UTF_8));
    try (FileJournal journal = FileJournal.open(journalConfig, journalMetrics)) {
      assertThat(journalMetrics.get("mailtrace.journal.quarantined").counter().count()).isEqualTo(2);
      deploy(config(esUrl), new SimpleMeterRegistry());
      append(journal, day, 700, 300);
      awaitCheckpointAtEnd();
    }
    List<Path> quarantined;
    try (Stream<Path> s = Files.list(journalConfig.quarantineDirectory())) {
      quarantined = s.sorted().toList();
    }
    assertThat(quarantined).hasSize(2);
    String all = Files.readString(quarantined.get(0), StandardCharsets.UTF_8) + Files.readString(quarantined.get(1), StandardCharsets.UTF_8);
    assertThat(all).contains(unacknowledged.substring(0, unacknowledged.length() / 2)).contains(alsoUnacknowledged.substring(0, 100));
    assertThat(es.count(index)).isEqualTo(1_000);
    ExactlyOnceOracle.assertExactlyOnce(es, index, appended, deadLetters(), List.of(garbage));
    JsonNode letter = TraceJson.mapper().readTree(Files.readAllLines(deadLetters()).get(0));
    assertThat(letter.path("reason").asText()).startsWith("not a valid trace record");
  }

  private void appendToLastSegment(byte[] bytes) throws IOException {
    Path segment;
    try (Stream<Path> s = Files.list(journalConfig.directory())) {
      segment = s.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
  }

  // ---- (8) index blocked read-only ----

  @Test
  void aWriteBlockedIndexHoldsAndRetriesEveryRecordAlertsAndResumesWhenLifted() throws Exception {
    Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS); // today's index, as in production
    String index = TraceIndex.indexFor(day);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Captured log = Captured.attach();
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      deploy(config(esUrl), registry);
      append(journal, day, 0, 300);
      Await.until(WAIT, "300 records indexed", () -> es.count(index) == 300);

      setting(index, "{\"index.blocks.write\":true}");
      append(journal, day, 300, 300);
      Await.until(WAIT, "a WARN naming the write block", () -> log.warnings().stream()
          .anyMatch(m -> m.contains("cluster_block_exception") && m.contains("index write")));
      Await.until(WAIT, "the blocked gauge raised", () -> registry.get("mailtrace.ingest.blocked").gauge().value() == 1);
      Await.until(WAIT, "retries under the block", () -> retries(registry, "item") >= 600);
      assertThat(es.count(index)).isEqualTo(300);

      // the flood-stage disk block instead (Elasticsearch answers 429 for it)
      setting(index, "{\"index.blocks.write\":null,\"index.blocks.read_only_allow_delete\":true}");
      append(journal, day, 600, 100);
      Await.until(WAIT, "a WARN naming the read-only-allow-delete block", () -> log.warnings().stream()
          .anyMatch(m -> m.contains("cluster_block_exception") && m.contains("read-only-allow-delete")));
      assertThat(registry.get("mailtrace.ingest.blocked").gauge().value()).isEqualTo(1);
      assertThat(deadLetters()).as("nothing dead-lettered under a block").doesNotExist();
      assertThat(counter(registry, "mailtrace.ingest.dead.lettered")).isZero();

      setting(index, "{\"index.blocks.read_only_allow_delete\":null}");
      append(journal, day, 700, 100);
      Await.until(WAIT, "all 800 records indexed once the block is lifted", () -> es.count(index) == 800);
      awaitCheckpointAtEnd();
      Await.until(WAIT, "the blocked gauge lowered", () -> registry.get("mailtrace.ingest.blocked").gauge().value() == 0);
    } finally {
      log.detach();
    }
    ExactlyOnceOracle.assertExactlyOnce(es, index, appended, deadLetters());
    assertThat(counter(registry, "mailtrace.ingest.indexed")).isEqualTo(800);
  }

  private static void setting(String index, String json) {
    EsHttp.Reply r = es.send("PUT", "/" + index + "/_settings", json);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** WARN lines of the pipeline's logger, captured through logback. */
  private static final class Captured extends AppenderBase<ILoggingEvent> {
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    static Captured attach() {
      Captured c = new Captured();
      c.start();
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(IngestPipeline.class)).addAppender(c);
      return c;
    }

    void detach() {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(IngestPipeline.class)).detachAppender(this);
    }

    List<String> warnings() {
      return warnings;
    }

    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
        warnings.add(e.getFormattedMessage());
      }
    }
  }

  // ---- (9) the answer to a processed bulk is lost ----

  @Test
  void aBulkWhoseAnswerIsLostIsSentAgainAndItsDuplicatesCountAsSuccess() throws Exception {
    Instant day = Instant.parse("2027-05-03T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    proxy = FaultProxy.start(esUrl);
    Set<Integer> cut = Set.of(1, 3, 4, 7);
    proxy.rule((seq, ids) -> cut.contains(seq) ? FaultProxy.Decision.CUT : FaultProxy.Decision.PASS);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      append(journal, day, 0, 2_000);
      deploy(config(proxy.url()), registry);
      append(journal, day, 2_000, 1_000);
      awaitCheckpointAtEnd();
    }
    List<FaultProxy.BulkSeen> bulks = proxy.bulks();
    Set<String> answerLost = new HashSet<>();
    for (FaultProxy.BulkSeen b : bulks) {
      if (b.decision().kind() == FaultProxy.Kind.CUT_AFTER_FORWARD) {
        answerLost.addAll(b.ids());
        // the batch was sent again, whole, later
        Set<String> later = new HashSet<>();
        bulks.stream().filter(o -> o.seq() > b.seq()).forEach(o -> later.addAll(o.ids()));
        assertThat(later).as("bulk %d re-sent", b.seq()).containsAll(b.ids());
      }
    }
    assertThat(answerLost).hasSizeGreaterThanOrEqualTo(4 * 20);
    assertThat(es.count(index)).isEqualTo(3_000);
    ExactlyOnceOracle.assertExactlyOnce(es, index, appended, deadLetters());
    assertThat(counter(registry, "mailtrace.ingest.duplicates")).as("409s on the re-sent records").isEqualTo(answerLost.size());
    assertThat(counter(registry, "mailtrace.ingest.indexed")).isEqualTo(3_000 - answerLost.size());
    assertThat(retries(registry, "request")).isEqualTo(cut.size());
    assertThat(deadLetters()).doesNotExist();
  }
}
