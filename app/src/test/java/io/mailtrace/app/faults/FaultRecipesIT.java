package io.mailtrace.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.app.faults.Submission.Outcome;
import io.mailtrace.devstack.LocalElasticsearch;
import io.mailtrace.testkit.TestElasticsearch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Process-level fault recipes of issue 8 (1, 2, 10, 11): real signer and ingest processes from the
 * shaded jar, a dedicated Elasticsearch node, an in-test next hop and SMTP load; each ends with the
 * {@link TraceOracle}. One Elasticsearch node serves the class (each rig filters by its own tag).
 */
class FaultRecipesIT {
  private static final Path BASE = Path.of(System.getProperty("mailtrace.repo", ".."))
      .toAbsolutePath().normalize().resolve("app/target/faults-it");
  private static final Duration PROGRESS = Duration.ofSeconds(90);
  private static LocalElasticsearch es;
  private FaultRig rig;

  @BeforeAll
  static void elasticsearch() throws Exception {
    es = TestElasticsearch.dedicated("faults").start();
  }

  @AfterAll
  static void stopElasticsearch() {
    if (es != null) {
      es.close();
    }
  }

  @AfterEach
  void stopRig() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  /** Waits until the load has {@code more} additional 250s. */
  private static void progress(LoadGenerator load, long more, String what) {
    long target = load.accepted() + more;
    Poll.until(PROGRESS, more + " more 250s " + what + " (have " + load.accepted() + ")", () -> load.accepted() >= target);
  }

  @Test
  void recipe1SigkillSignerAndIngestRepeatedlyUnderLoad() throws Exception {
    rig = FaultRig.start(es, BASE, "kill", FaultRig.Options.defaults());
    LoadGenerator load = rig.load();
    for (int round = 1; round <= 3; round++) {
      progress(load, 25, "before SIGKILL of the signer, round " + round);
      rig.signer().kill();
      rig.signer().start();
      progress(load, 25, "before SIGKILL of the ingest, round " + round);
      rig.ingest().kill();
      rig.ingest().start();
    }
    progress(load, 20, "after the last restart");
    Map<String, Submission> sent = load.stop();
    TraceOracle.Verdict v = rig.check(sent).assertHolds();
    assertThat(v.accepted()).as(v.summary()).isGreaterThanOrEqualTo(170);
  }

  @Test
  void recipe2ElasticsearchDownUnderLoadThenJournalCapThenRecovery() throws Exception {
    // a small cap: 4 segments of 64 KB, ~760 bytes a record -> about 340 records fill it
    rig = FaultRig.start(es, BASE, "esdown", FaultRig.Options.defaults().withJournal("256KB", "64KB"));
    LoadGenerator load = rig.load(4, 40);
    progress(load, 30, "with Elasticsearch up");
    // Counted from the moment the stop begins: stopping Elasticsearch takes seconds, and the
    // records accepted meanwhile already use up the small journal.
    long atStop = load.accepted();
    es.close();
    try {
      // SMTP keeps accepting while the journal has room...
      Poll.until(PROGRESS, "50 more 250s after Elasticsearch was stopped (had " + atStop + ")",
          () -> load.accepted() >= atStop + 50);
      // ...then says 452 4.3.1 once the cap is reached
      Poll.until(Duration.ofMinutes(2), "452 4.3.1 once the journal cap is reached", () -> load.repliesStartingWith("452 4.3.1") > 0);
    } finally {
      es.start();
    }
    // the ingest drains the journal, room returns, 250s resume
    progress(load, 30, "after Elasticsearch came back");
    Map<String, Submission> sent = load.stop();
    TraceOracle.Verdict v = rig.check(sent).assertHolds();
    assertThat(sent.values()).as("messages refused with 452 4.3.1 (journal cap)")
        .anyMatch(s -> s.outcome() == Outcome.REFUSED && s.replyStartsWith("452 4.3.1"));
    assertThat(v.accepted()).as(v.summary()).isGreaterThanOrEqualTo(110);
  }

  @Test
  void recipe10SigtermSignerThenIngestDuringLoad() throws Exception {
    rig = FaultRig.start(es, BASE, "term", FaultRig.Options.defaults());
    LoadGenerator load = rig.load();
    progress(load, 40, "before SIGTERM of the signer");
    long logFrom = rig.signer().logSize();
    long noAnswerBefore = load.count(Outcome.NO_ANSWER);
    rig.signer().terminate(Duration.ofSeconds(90));
    String signerLog = rig.signer().since(logFrom);
    assertThat(signerLog).as("signer log after SIGTERM").contains("stopped").doesNotContain("graceful stop incomplete");
    // in-flight transactions finished (250) or were refused: none lost its reply
    assertThat(load.count(Outcome.NO_ANSWER)).as("transactions cut without a reply by SIGTERM").isEqualTo(noAnswerBefore);
    rig.signer().start();
    progress(load, 40, "before SIGTERM of the ingest");
    logFrom = rig.ingest().logSize();
    rig.ingest().terminate(Duration.ofSeconds(90));
    assertThat(rig.ingest().since(logFrom)).as("ingest log after SIGTERM").contains("stopped")
        .doesNotContain("graceful stop incomplete");
    rig.ingest().start();
    progress(load, 30, "after the restarts");
    Map<String, Submission> sent = load.stop();
    rig.check(sent).assertHolds();
  }

  @Test
  void recipe11NextHopDropsMidDataGives451AndTheRecordSaysSo() throws Exception {
    rig = FaultRig.start(es, BASE, "drop", FaultRig.Options.defaults());
    LoadGenerator load = rig.load(2, 40);
    progress(load, 20, "with a healthy next hop");
    rig.nextHop().mode(NextHopSink.Mode.DROP_MID_DATA);
    long dropsFrom = rig.nextHop().dropped();
    Poll.until(PROGRESS, "20 messages dropped by the next hop mid-DATA",
        () -> rig.nextHop().dropped() - dropsFrom >= 20 && load.repliesStartingWith("451 4.4.") >= 20);
    rig.nextHop().mode(NextHopSink.Mode.ACCEPT);
    progress(load, 20, "after the next hop recovered");
    Map<String, Submission> sent = load.stop();
    TraceOracle.Verdict v = rig.check(sent).assertHolds();
    var dropped = sent.values().stream().filter(s -> s.replyStartsWith("451 4.4.")).toList();
    assertThat(dropped).hasSizeGreaterThanOrEqualTo(20);
    for (Submission s : dropped) {
      assertThat(v.records().get(s.messageId())).as("the record of " + s.messageId())
          .singleElement()
          .satisfies(f -> {
            assertThat(f.status()).isEqualTo("deferred");
            assertThat(f.reason()).startsWith("451 4.4.");
          });
    }
    // during the drop, no message got 250 without the next hop having accepted it
    assertThat(load.accepted()).isLessThanOrEqualTo(rig.nextHop().accepted());
  }
}
