package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.journal.JournalReader;
import io.mailtrace.model.TraceRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's decisions against a scripted store (a fake of our own port, not of Elasticsearch). */
class IngestPipelineTest {
  private static final Instant DAY = Instant.parse("2026-11-01T00:00:00Z");
  private static final Pattern ID = Pattern.compile("\"_id\":\"([^\"]+)\"");

  @TempDir Path dir;
  private Vertx vertx;
  private JournalConfig journalConfig;
  private SimpleMeterRegistry registry;

  /** Answers bulk calls through a script; records the ids of every call. */
  static final class ScriptedStore implements TraceStore {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    volatile Function<List<String>, Future<TraceStore.BulkResponse>> script;

    @Override
    public Future<TraceStore.BulkResponse> bulk(Buffer body, int items) {
      List<String> ids = new ArrayList<>();
      Matcher m = ID.matcher(body.toString(StandardCharsets.UTF_8));
      while (m.find()) {
        ids.add(m.group(1));
      }
      assertThat(ids).hasSize(items);
      calls.add(ids);
      return script.apply(ids);
    }

    @Override
    public Future<Void> installTemplate(int replicas) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<String>> traceIndices() {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Void> deleteIndex(String name) {
      return Future.succeededFuture();
    }

    @Override
    public Future<java.util.Map<String, Integer>> segmentCounts() {
      return Future.succeededFuture(java.util.Map.of());
    }

    @Override
    public Future<Boolean> forceMergeRunning() {
      return Future.succeededFuture(false);
    }

    @Override
    public Future<Void> startForceMerge(String name) {
      return Future.succeededFuture();
    }
  }

  static Future<TraceStore.BulkResponse> all(List<String> ids, int status, String type) {
    List<TraceStore.ItemResult> r = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      r.add(new TraceStore.ItemResult(status, type, type == null ? null : "because"));
    }
    return Future.succeededFuture(new TraceStore.BulkResponse(200, null, r));
  }


  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    journalConfig = JournalConfig.defaults(dir.resolve("journal"));
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  private List<TraceRecord> journal(int n) throws IOException {
    try (FileJournal j = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      return TestRecords.append(j, DAY, 0, n);
    }
  }

  private String deploy(ScriptedStore store) {
    IngestConfig config = IngestConfig.defaults("http://127.0.0.1:1", dir.resolve("dead-letters.ndjson"))
        .withBatch(100, 1 << 20, Duration.ofMillis(20))
        .withRetention(36500, Duration.ofHours(1));
    Backoff instant = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), bound -> 0);
    return Await.result(vertx.deployVerticle(new IngestVerticle(config, journalConfig, registry, Clock.systemUTC(), instant, v -> store)));
  }

  private JournalPosition checkpoint() {
    return JournalPositions.checkpoint(journalConfig);
  }

  private JournalPosition end() throws IOException {
    try (JournalReader r = new JournalReader(journalConfig)) {
      var all = r.read(JournalPosition.START, Integer.MAX_VALUE, Long.MAX_VALUE);
      return all.get(all.size() - 1).next();
    }
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void retriesOnlyTheItems429dAndTheCheckpointWaitsForThem() throws Exception {
    List<TraceRecord> records = journal(3);
    List<JournalPosition> nexts = new ArrayList<>();
    try (JournalReader r = new JournalReader(journalConfig)) {
      r.read(JournalPosition.START, 10, 1 << 20).forEach(e -> nexts.add(e.next()));
    }
    Promise<TraceStore.BulkResponse> release = Promise.promise();
    ScriptedStore store = new ScriptedStore();
    store.script = ids -> {
      if (store.calls.size() == 1) {
        List<TraceStore.ItemResult> r = List.of(
            new TraceStore.ItemResult(201, null, null),
            new TraceStore.ItemResult(429, "es_rejected_execution_exception", "queue full"),
            new TraceStore.ItemResult(201, null, null));
        return Future.succeededFuture(new TraceStore.BulkResponse(200, null, r));
      }
      return release.future();
    };
    deploy(store);
    // record 0 done, record 1 pending retry: the checkpoint may pass record 0 but not record 1
    Await.until(Duration.ofSeconds(30), "checkpoint after record 0", () -> checkpoint().equals(nexts.get(0)));
    Await.until(Duration.ofSeconds(30), "the retry is sent", () -> store.calls.size() >= 2);
    assertThat(store.calls.get(1)).containsExactly(records.get(1).id());
    assertThat(checkpoint()).isEqualTo(nexts.get(0));
    vertx.runOnContext(v -> release.complete(new TraceStore.BulkResponse(200, null, List.of(new TraceStore.ItemResult(201, null, null)))));
    Await.until(Duration.ofSeconds(30), "checkpoint at the end", () -> checkpoint().equals(nexts.get(2)));
    assertThat(counter("mailtrace.ingest.indexed")).isEqualTo(3);
    assertThat(counter("mailtrace.ingest.retries", "scope", "item")).isEqualTo(1);
  }

  @Test
  void aRequestTooLargeIsSplitUntilItFits() throws Exception {
    journal(4);
    ScriptedStore store = new ScriptedStore();
    store.script = ids -> ids.size() > 1
        ? Future.succeededFuture(new TraceStore.BulkResponse(413, "too large", List.of()))
        : all(ids, 201, null);
    deploy(store);
    JournalPosition end = end();
    Await.until(Duration.ofSeconds(30), "all acknowledged", () -> checkpoint().equals(end));
    assertThat(store.calls).hasSize(7); // 4, 2+2, 1+1+1+1
    assertThat(counter("mailtrace.ingest.indexed")).isEqualTo(4);
  }

  @Test
  void wholeRequestFailuresRetryTheBatchAndDuplicatesCountAsDone() throws Exception {
    journal(5);
    ScriptedStore store = new ScriptedStore();
    store.script = ids -> store.calls.size() <= 2
        ? Future.failedFuture(new ConnectException("Connection refused"))
        : all(ids, 409, "version_conflict_engine_exception");
    deploy(store);
    JournalPosition end = end();
    Await.until(Duration.ofSeconds(30), "all acknowledged", () -> checkpoint().equals(end));
    assertThat(store.calls).hasSize(3);
    assertThat(counter("mailtrace.ingest.retries", "scope", "request")).isEqualTo(2);
    assertThat(counter("mailtrace.ingest.duplicates")).isEqualTo(5);
  }

  @Test
  void linesThatAreNotRecordsAndRefusedRecordsAreDeadLetteredWithTheirReason() throws Exception {
    journal(2);
    Path segment;
    try (Stream<Path> s = Files.list(journalConfig.directory())) {
      segment = s.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().reduce((a, b) -> b).orElseThrow();
    }
    Files.writeString(segment, "this is not json\n", StandardOpenOption.APPEND);
    List<TraceRecord> later = journal(2);
    ScriptedStore store = new ScriptedStore();
    store.script = ids -> {
      List<TraceStore.ItemResult> r = new ArrayList<>();
      for (String id : ids) {
        r.add(id.equals(later.get(0).id())
            ? new TraceStore.ItemResult(400, "document_parsing_exception", "failed to parse field [client_ip]")
            : new TraceStore.ItemResult(201, null, null));
      }
      return Future.succeededFuture(new TraceStore.BulkResponse(200, null, r));
    };
    deploy(store);
    JournalPosition end = end();
    Await.until(Duration.ofSeconds(30), "all acknowledged", () -> checkpoint().equals(end));
    List<String> letters = Files.readAllLines(dir.resolve("dead-letters.ndjson"));
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0)).contains("not a valid trace record").contains("this is not json");
    assertThat(letters.get(1)).contains("document_parsing_exception").contains("client_ip").contains(later.get(0).id());
    assertThat(counter("mailtrace.ingest.dead.lettered")).isEqualTo(2);
    assertThat(counter("mailtrace.ingest.indexed")).isEqualTo(3);
  }

  @Test
  void aBlockedIndexRaisesTheBlockedGaugeHoldsTheRecordsAndLowersItWhenWritesSucceed() throws Exception {
    journal(3);
    ScriptedStore store = new ScriptedStore();
    List<Double> gaugeAtRetry = Collections.synchronizedList(new ArrayList<>());
    store.script = ids -> {
      if (store.calls.size() >= 2) {
        gaugeAtRetry.add(registry.get("mailtrace.ingest.blocked").gauge().value());
      }
      return store.calls.size() <= 3 ? all(ids, 403, "cluster_block_exception") : all(ids, 201, null);
    };
    deploy(store);
    JournalPosition end = end();
    Await.until(Duration.ofSeconds(30), "all acknowledged", () -> checkpoint().equals(end));
    assertThat(store.calls).hasSize(4);
    assertThat(counter("mailtrace.ingest.retries", "scope", "item")).isEqualTo(9);
    assertThat(counter("mailtrace.ingest.indexed")).isEqualTo(3);
    assertThat(gaugeAtRetry).as("gauge while blocked").containsOnly(1.0);
    assertThat(registry.get("mailtrace.ingest.blocked").gauge().value()).isZero();
    assertThat(dir.resolve("dead-letters.ndjson")).doesNotExist();
  }

  @Test
  void aBulkSentBeforeTheBlockAndAnsweredCreatedAfterItDoesNotLowerTheBlockedGauge() throws Exception {
    journal(150); // two batches in flight: 100 records, then 50
    ScriptedStore store = new ScriptedStore();
    Promise<TraceStore.BulkResponse> early = Promise.promise();
    List<Double> gaugeAfterStaleSuccess = Collections.synchronizedList(new ArrayList<>());
    List<Double> indexedAfterStaleSuccess = Collections.synchronizedList(new ArrayList<>());
    store.script = ids -> {
      if (store.calls.size() == 1) {
        return early.future(); // processed before the block, its answer arrives after the next one's
      }
      if (store.calls.size() == 2) {
        List<String> first = store.calls.get(0);
        vertx.setTimer(50, t -> {
          early.complete(all(first, 201, null).result());
          // read at once: a later retry of the blocked batch would set the gauge again
          indexedAfterStaleSuccess.add(counter("mailtrace.ingest.indexed"));
          gaugeAfterStaleSuccess.add(registry.get("mailtrace.ingest.blocked").gauge().value());
        });
      }
      return gaugeAfterStaleSuccess.isEmpty() ? all(ids, 403, "cluster_block_exception") : all(ids, 201, null);
    };
    deploy(store);
    JournalPosition end = end();
    Await.until(Duration.ofSeconds(30), "all acknowledged", () -> checkpoint().equals(end));
    assertThat(indexedAfterStaleSuccess).as("the early batch resolved when its answer came").containsExactly(100.0);
    assertThat(gaugeAfterStaleSuccess).as("gauge after a success of a bulk sent before the block").containsExactly(1.0);
    assertThat(registry.get("mailtrace.ingest.blocked").gauge().value()).as("gauge once a later bulk succeeded").isZero();
    assertThat(counter("mailtrace.ingest.indexed")).isEqualTo(150);
  }
}
