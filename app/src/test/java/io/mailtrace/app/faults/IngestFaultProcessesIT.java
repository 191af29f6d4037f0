package io.mailtrace.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtrace.app.faults.Submission.Outcome;
import io.mailtrace.devstack.LocalElasticsearch;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.testkit.FaultProxy;
import io.mailtrace.testkit.FaultProxy.BulkSeen;
import io.mailtrace.testkit.FaultProxy.Decision;
import io.mailtrace.testkit.FaultProxy.Kind;
import io.mailtrace.testkit.TestElasticsearch;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Process-level versions of the ingest fault recipes 3, 4, 8 and 9 of issue 8, in sequence on ONE
 * rig (so the processes start once): a dedicated Elasticsearch node, a signer process, and an
 * ingest process whose Elasticsearch URL is a {@link FaultProxy} in front of the node; SMTP load
 * flows through the signer in every phase.
 *
 * <p>Each phase stops its load and ends with the {@link TraceOracle} over every message sent so far
 * (all phases share the rig's Message-ID tag, so the oracle must see them all): a failure names
 * the phase that broke the promise instead of surfacing at the end. Phase-specific facts (what was
 * re-sent, what was dead-lettered, what the ingest logged) are asserted next to it.
 */
class IngestFaultProcessesIT {
  private static final Path BASE = Path.of(System.getProperty("mailtrace.repo", ".."))
      .toAbsolutePath().normalize().resolve("app/target/faults-it");
  private static final Duration PROGRESS = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static LocalElasticsearch es;
  private static FaultRig rig;
  /** Every message of every phase, as the client saw it. */
  private final Map<String, Submission> sent = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    es = TestElasticsearch.dedicated("faults-proxy").start();
    rig = FaultRig.start(es, BASE, "proxied", FaultRig.Options.defaults().withFaultProxy());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (rig != null) {
        rig.close();
      }
    } finally {
      if (es != null) {
        es.close();
      }
    }
  }

  @Test
  void recipes3_4_8_9ThroughAFaultProxyInFrontOfElasticsearch() throws Exception {
    stormOf429sResendsOnlyTheRefusedItems();
    mappingConflictIsDeadLetteredThenReplayedByTheCli();
    writeBlockedIndexHoldsRecordsAndWarnsUntilLifted();
    lostBulkAnswersAreResentAndTheirDuplicatesCountAsSuccess();
  }

  /** (3) 429 for some whole bulks and for about a third of the items of the others, each id refused at most twice. */
  private void stormOf429sResendsOnlyTheRefusedItems() throws Exception {
    FaultProxy proxy = rig.faultProxy();
    Map<String, Integer> refusals = new HashMap<>();
    proxy.rule((seq, ids) -> {
      synchronized (refusals) {
        if (seq % 4 == 0 && ids.stream().allMatch(id -> refusals.getOrDefault(id, 0) < 2)) {
          ids.forEach(id -> refusals.merge(id, 1, Integer::sum));
          return Decision.REJECT_REQUEST;
        }
        Set<Integer> refused = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
          if (Math.floorMod(ids.get(i).hashCode(), 3) == 0 && refusals.getOrDefault(ids.get(i), 0) < 2) {
            refused.add(i);
            refusals.merge(ids.get(i), 1, Integer::sum);
          }
        }
        return Decision.rejectItems(refused);
      }
    });
    LoadGenerator load = rig.load(4, 60);
    progress(load, 200, "during the 429 storm");
    proxy.rule((seq, ids) -> Decision.PASS);
    progress(load, 20, "after the storm");
    TraceOracle.Verdict v = finish(load, "(3) 429 storm");

    // Nothing but the storm has happened on this rig yet, so every bulk so far is in scope: an id
    // reappears only after the proxy refused it, and its last appearance was not refused.
    List<BulkSeen> bulks = proxy.bulks();
    Map<String, List<Boolean>> appearances = new LinkedHashMap<>();
    for (BulkSeen b : bulks) {
      for (int i = 0; i < b.ids().size(); i++) {
        appearances.computeIfAbsent(b.ids().get(i), k -> new ArrayList<>()).add(refused(b, i));
      }
    }
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, List<Boolean>> e : appearances.entrySet()) {
      List<Boolean> r = e.getValue();
      if (r.subList(0, r.size() - 1).contains(false) || r.get(r.size() - 1)) {
        wrong.add(e.getKey() + " refused per send: " + r);
      }
    }
    assertThat(wrong).as("ids sent again without a refusal, or refused and never sent again").isEmpty();
    assertThat(bulks).as("whole bulk requests answered 429").anyMatch(b -> b.decision().kind() == Kind.REJECT_REQUEST_429);
    assertThat(bulks.stream().mapToInt(b -> b.decision().kind() == Kind.REJECT_ITEMS_429 ? b.decision().rejectedItems().size() : 0).sum())
        .as("items answered 429").isGreaterThanOrEqualTo(20);
    assertThat(appearances).as("records shipped (one per 250)").hasSizeGreaterThanOrEqualTo((int) v.accepted());
    assertThat(v.deadLettered()).as("dead-lettered under a 429 storm").isZero();
    assertThat(deadLetterLines()).isEmpty();
  }

  private static boolean refused(BulkSeen b, int item) {
    return b.decision().kind() == Kind.REJECT_REQUEST_429
        || b.decision().kind() == Kind.REJECT_ITEMS_429 && b.decision().rejectedItems().contains(item);
  }

  /**
   * (4) The proxy gives one item of a busy bulk a {@code client_ip} that is not an IP: Elasticsearch
   * refuses that item with a 400, the ingest dead-letters it and moves on. The letter holds the
   * journal line (the corruption happened on the wire only), so the operator's fix is to replay it
   * as it is, with the ingest stopped (the tool rewrites the file the ingest appends to).
   */
  private void mappingConflictIsDeadLetteredThenReplayedByTheCli() throws Exception {
    FaultProxy proxy = rig.faultProxy();
    AtomicReference<String> corrupted = new AtomicReference<>();
    proxy.rule((seq, ids) -> {
      int victim = ids.size() / 2;
      return ids.size() >= 2 && corrupted.compareAndSet(null, ids.get(victim)) ? Decision.corruptItems(Set.of(victim)) : Decision.PASS;
    });
    long logFrom = rig.ingest().logSize();
    LoadGenerator load = rig.load(4, 80);
    Poll.until(PROGRESS, "a busy bulk with one corrupted item", () -> corrupted.get() != null);
    progress(load, 60, "after the mapping conflict (the pipeline moves on)");
    proxy.rule((seq, ids) -> Decision.PASS);
    TraceOracle.Verdict v = finish(load, "(4) mapping conflict");

    assertThat(v.deadLettered()).as("dead-lettered records").isEqualTo(1);
    List<String> lines = deadLetterLines();
    assertThat(lines).hasSize(1);
    JsonNode letter = JSON.readTree(lines.get(0));
    assertThat(letter.path("reason").asText()).contains("HTTP 400").contains("client_ip");
    JsonNode record = JSON.readTree(letter.path("line").asText());
    assertThat(record.path("id").asText()).isEqualTo(corrupted.get());
    assertThat(record.path("client_ip").asText()).as("the letter holds the journal line, not the corrupted bulk item")
        .isEqualTo("127.0.0.1");
    String messageId = bare(record.path("message_id").asText());
    assertThat(sent.get(messageId)).as("the client's view of " + messageId).extracting(Submission::outcome).isEqualTo(Outcome.ACCEPTED);
    assertThat(v.records().get(messageId)).singleElement().extracting(TraceOracle.Found::where).isEqualTo("dead-letter");
    assertThat(rig.ingest().since(logFrom)).contains("dead-lettered journal record").contains("client_ip");

    rig.ingest().terminate(Duration.ofSeconds(90));
    FaultRig.CliResult replay = rig.cli("replay-dead-letters", "--config", rig.configFile().toString());
    assertThat(replay.exitCode()).as(replay.output()).isZero();
    assertThat(replay.output()).contains("indexed 1, duplicate 0, still failing 0");
    rig.ingest().start();

    TraceOracle.Verdict after = rig.check(sent).assertHolds();
    assertThat(after.deadLettered()).as("letters left after the replay").isZero();
    assertThat(deadLetterLines()).isEmpty();
    assertThat(after.records().get(messageId)).singleElement().extracting(TraceOracle.Found::where).isEqualTo("elasticsearch");
    String index = TraceIndex.indexFor(Instant.parse(record.path("@timestamp").asText()));
    JsonNode doc = JSON.readTree(esCall("GET", "/" + index + "/_doc/" + corrupted.get(), null).body());
    assertThat(doc.path("_source").path("client_ip").asText()).isEqualTo("127.0.0.1");
  }

  /**
   * (8) Today's index write-blocked directly on Elasticsearch while load flows: SMTP keeps saying
   * 250, the ingest holds and retries the records (lag stays up), warns naming the block, and
   * dead-letters nothing; once lifted, lag returns to zero. The ingest-only process serves no
   * /metrics (the api role does), so the alert checked here is the log; the blocked gauge is checked
   * in-process by IngestFaultsIT.
   */
  private void writeBlockedIndexHoldsRecordsAndWarnsUntilLifted() throws Exception {
    long logFrom = rig.ingest().logSize();
    LoadGenerator load = rig.load(4, 60);
    progress(load, 20, "before the write block");
    String index = TraceIndex.indexFor(Instant.now());
    setting(index, "{\"index.blocks.write\":true}");
    try {
      Poll.until(PROGRESS, "a WARN of the ingest naming the write block", () -> rig.ingest().since(logFrom).lines()
          .anyMatch(l -> l.contains(" WARN ") && l.contains("cluster_block_exception") && l.contains("index write")));
      progress(load, 60, "while the index is write-blocked (the journal takes them)");
      assertThat(rig.oracle().lagIsZero()).as("ingest lag zero while the index is blocked").isFalse();
      // a bulk sent before the block may be answered after it: that is no sign the block lifted
      assertThat(rig.ingest().since(logFrom)).as("ingest log while the index is blocked").doesNotContain("accepts writes again");
    } finally {
      setting(index, "{\"index.blocks.write\":null}");
    }
    progress(load, 20, "after the block was lifted");
    TraceOracle.Verdict v = finish(load, "(8) write-blocked index");
    assertThat(v.deadLettered()).as("dead-lettered under a block").isZero();
    assertThat(deadLetterLines()).isEmpty();
    assertThat(rig.ingest().since(logFrom)).contains("accepts writes again");
  }

  /** (9) The proxy forwards some bulks, lets Elasticsearch index them, and resets the connection instead of answering. */
  private void lostBulkAnswersAreResentAndTheirDuplicatesCountAsSuccess() throws Exception {
    FaultProxy proxy = rig.faultProxy();
    Set<Integer> cutAt = Set.of(1, 3, 4, 7);
    AtomicInteger n = new AtomicInteger();
    AtomicInteger firstSeq = new AtomicInteger(-1);
    proxy.rule((seq, ids) -> {
      firstSeq.compareAndSet(-1, seq);
      return cutAt.contains(n.getAndIncrement()) ? Decision.CUT : Decision.PASS;
    });
    long logFrom = rig.ingest().logSize();
    LoadGenerator load = rig.load(4, 60);
    Poll.until(PROGRESS, "4 bulk answers lost", () -> n.get() > 8);
    progress(load, 30, "after the lost answers");
    TraceOracle.Verdict v = finish(load, "(9) lost bulk answers");

    List<BulkSeen> bulks = proxy.bulks().stream().filter(b -> b.seq() >= firstSeq.get()).toList();
    Set<String> answerLost = new HashSet<>();
    for (BulkSeen b : bulks) {
      if (b.decision().kind() == Kind.CUT_AFTER_FORWARD) {
        answerLost.addAll(b.ids());
        Set<String> later = new HashSet<>();
        bulks.stream().filter(o -> o.seq() > b.seq()).forEach(o -> later.addAll(o.ids()));
        assertThat(later).as("the records of cut bulk %d sent again", b.seq()).containsAll(b.ids());
      }
    }
    assertThat(answerLost).as("records whose bulk answer was lost").hasSizeGreaterThanOrEqualTo(4);
    // indexed by the first send, 409 on the second: still exactly one document each (the oracle),
    // nothing dead-lettered, the pipeline moved past them (lag zero)
    Set<String> indexedIds = new HashSet<>();
    v.records().values().forEach(fs -> fs.forEach(f -> indexedIds.add(f.traceId())));
    assertThat(indexedIds).containsAll(answerLost);
    assertThat(v.deadLettered()).isZero();
    assertThat(deadLetterLines()).isEmpty();
    assertThat(rig.ingest().since(logFrom)).contains("failed").contains("retrying");
  }

  // ---- helpers ----

  /** Stops the load, adds its messages to everything sent so far, and runs the oracle over all of it. */
  private TraceOracle.Verdict finish(LoadGenerator load, String phase) throws Exception {
    sent.putAll(load.stop());
    TraceOracle.Verdict v = rig.check(sent);
    if (!v.holds()) {
      throw new AssertionError("phase " + phase + ": " + v.problems() + " (" + v.summary() + ")");
    }
    return v;
  }

  private static void progress(LoadGenerator load, long more, String what) {
    long target = load.accepted() + more;
    Poll.until(PROGRESS, more + " more 250s " + what + " (have " + load.accepted() + ")", () -> load.accepted() >= target);
  }

  private static List<String> deadLetterLines() throws Exception {
    Path f = rig.deadLetterFile();
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList() : List.of();
  }

  private static String bare(String messageId) {
    String s = messageId.strip();
    return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
  }

  /** Index settings straight on Elasticsearch (not through the proxy). */
  private static void setting(String index, String json) throws Exception {
    HttpResponse<String> r = esCall("PUT", "/" + index + "/_settings", json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static HttpResponse<String> esCall(String method, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(es.url() + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
