package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalCheckpoint;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.testkit.TestElasticsearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest in a child JVM killed with SIGKILL in the middle of the stream, then restarted. */
class IngestKillIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int TOTAL = 10_000;

  @TempDir Path dir;
  private Process child;

  @AfterEach
  void killChild() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Process startChild(String esUrl, Path journalDir, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "-Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory",
        IngestChildMain.class.getName(), journalDir.toString(), esUrl, dir.resolve("dead-letters.ndjson").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    Await.until(WAIT, "child ingest ready (see " + log + ")", () -> {
      try {
        String out = Files.exists(log) ? Files.readString(log) : "";
        assertThat(out).doesNotContain("FAILED");
        return out.lines().anyMatch("READY"::equals);
      } catch (IOException e) {
        return false;
      }
    });
    return p;
  }

  @Test
  void ingestKilledMidStreamAndRestartedIndexesEveryRecordExactlyOnce() throws Exception {
    String esUrl = TestElasticsearch.url();
    EsHttp es = new EsHttp(esUrl);
    Instant day = Instant.parse("2027-02-01T00:00:00Z");
    String index = TraceIndex.indexFor(day);
    JournalConfig journalConfig = JournalConfig.defaults(dir.resolve("journal")).withSegmentBytes(256 * 1024);
    List<String> appended = new ArrayList<>();
    try (FileJournal journal = FileJournal.open(journalConfig, new SimpleMeterRegistry())) {
      TestRecords.append(journal, day, 0, 4_000).forEach(r -> appended.add(r.id()));
      child = startChild(esUrl, journalConfig.directory(), dir.resolve("child-1.log"));
      Await.until(WAIT, "ingest under way", () -> es.count(index) >= 1_000);
      // more records arrive while it works, then it dies without any chance to clean up
      TestRecords.append(journal, day, 4_000, 2_000).forEach(r -> appended.add(r.id()));
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long atKill = es.count(index);
      assertThat(atKill).isLessThan(TOTAL);
      TestRecords.append(journal, day, 6_000, TOTAL - 6_000).forEach(r -> appended.add(r.id()));
    }
    JournalPosition beforeRestart = new JournalCheckpoint(journalConfig.checkpointFile()).load().orElse(JournalPosition.START);
    child = startChild(esUrl, journalConfig.directory(), dir.resolve("child-2.log"));
    Await.until(WAIT, "all " + TOTAL + " records indexed", () -> es.count(index) == TOTAL);
    JournalPosition end = JournalPositions.end(journalConfig);
    Await.until(WAIT, "checkpoint at the end", () -> {
      try {
        return new JournalCheckpoint(journalConfig.checkpointFile()).load().orElseThrow().equals(end);
      } catch (IOException e) {
        return false;
      }
    });
    assertThat(beforeRestart).isLessThan(end);
    // exactly once: every id once, no extra documents
    assertThat(es.count(index)).isEqualTo(TOTAL);
    ExactlyOnceOracle.assertExactlyOnce(es, index, appended, dir.resolve("dead-letters.ndjson"));
    assertThat(dir.resolve("dead-letters.ndjson")).doesNotExist();
  }
}
