package io.mailtrace.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalEntry;
import io.mailtrace.journal.JournalFiles;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.journal.JournalReader;
import io.mailtrace.journal.JournalWriteException;
import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceIds;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal's file seam under injected disk-full faults: an append fails while writes or fsyncs
 * fail, no failed append leaves a record behind, and the same open journal accepts appends again
 * once the fault clears (no restart).
 */
class JournalDiskFaultTest {
  @TempDir Path dir;

  @Test
  void theDefaultSeamIsTheRealFileChannel() {
    assertThat(JournalConfig.defaults(dir).files()).isSameAs(JournalFiles.DEFAULT);
    assertThat(new JournalConfig(dir, 4096, 8192, 1, null).files()).isSameAs(JournalFiles.DEFAULT);
  }

  @ParameterizedTest
  @EnumSource(value = FaultyJournalFiles.Fault.class, names = {"WRITE", "FORCE"})
  void failedAppendsLeaveNoRecordAndTheJournalRecoversWhenTheFaultClears(FaultyJournalFiles.Fault fault) throws Exception {
    FaultyJournalFiles files = new FaultyJournalFiles();
    // small segments: some groups roll over mid-batch while the fault is on
    JournalConfig config = JournalConfig.defaults(dir).withSegmentBytes(4096).withFiles(files);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Set<String> acknowledged = new HashSet<>();
    Set<String> failed = new HashSet<>();
    try (FileJournal journal = FileJournal.open(config, registry)) {
      appendAll(journal, 0, 30, acknowledged, failed);
      assertThat(failed).isEmpty();

      files.set(fault);
      appendAll(journal, 30, 30, acknowledged, failed);
      assertThat(failed).hasSize(30);
      assertThat(files.injected()).isPositive();
      assertThat(registry.get("mailtrace.journal.write.errors").counter().count()).isEqualTo(30);

      files.set(FaultyJournalFiles.Fault.NONE);
      appendAll(journal, 60, 30, acknowledged, failed);
      assertThat(acknowledged).hasSize(60);
      assertThat(failed).hasSize(30);
    }
    // The oracle: exactly the acknowledged records, each once, no torn line, nothing failed.
    List<String> read = new ArrayList<>();
    try (JournalReader reader = new JournalReader(config)) {
      for (JournalEntry e : reader.read(JournalPosition.START, 10_000, Long.MAX_VALUE)) {
        assertThat(e.torn()).as("torn entry at %s", e.position()).isFalse();
        read.add(TraceJson.parse(e.line()).id());
      }
    }
    assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
  }

  @Test
  void aFailingFsyncKeepsRefusingUntilItClearsThenResumes() throws Exception {
    FaultyJournalFiles files = new FaultyJournalFiles();
    JournalConfig config = JournalConfig.defaults(dir).withFiles(files);
    Set<String> acknowledged = new HashSet<>();
    Set<String> failed = new HashSet<>();
    try (FileJournal journal = FileJournal.open(config, new SimpleMeterRegistry())) {
      files.set(FaultyJournalFiles.Fault.FORCE);
      // every group while the fault lasts retries the cut-off, which fails too: still refused
      for (int round = 0; round < 5; round++) {
        appendAll(journal, round * 3, 3, acknowledged, failed);
      }
      assertThat(acknowledged).isEmpty();
      files.set(FaultyJournalFiles.Fault.NONE);
      appendAll(journal, 100, 5, acknowledged, failed);
      assertThat(acknowledged).hasSize(5);
    }
    try (JournalReader reader = new JournalReader(config)) {
      assertThat(reader.read(JournalPosition.START, 10_000, Long.MAX_VALUE))
          .extracting(e -> TraceJson.parse(e.line()).id())
          .containsExactlyInAnyOrderElementsOf(acknowledged);
    }
  }

  private static void appendAll(FileJournal journal, int from, int n, Set<String> acknowledged, Set<String> failed)
      throws Exception {
    List<TraceRecord> recs = new ArrayList<>();
    List<Future<Void>> fs = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      TraceRecord r = record(i);
      recs.add(r);
      fs.add(journal.append(r)); // concurrent: several share one group commit
    }
    for (int i = 0; i < n; i++) {
      try {
        fs.get(i).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        acknowledged.add(recs.get(i).id());
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(JournalWriteException.class)
            .hasMessageContaining(FaultyJournalFiles.ENOSPC);
        failed.add(recs.get(i).id());
      }
    }
  }

  static TraceRecord record(int n) {
    return new TraceRecord(TraceIds.next(), Instant.parse("2026-11-28T10:00:00Z").plusMillis(n), "acct" + n, "a.example",
        "alice@a.example", "alice@a.example", "subject " + n, "<" + n + "@a.example>", 1000 + n, "192.0.2.1",
        "helo.a.example", TlsInfo.NONE, TraceStatus.RELAYED, null,
        List.of(new RecipientOutcome("bob@b.example", RecipientStatus.RELAYED, "250 2.0.0 Ok", "127.0.0.1:25")),
        List.of(), null, "n1");
  }
}
