package io.mailtrace.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalReaderTest {
  @TempDir Path dir;

  @Test
  void readsEveryLineInOrderAcrossSegmentsIncludingNonJsonLines() throws Exception {
    JournalConfig config = JournalConfig.defaults(dir).withSegmentBytes(2048);
    List<String> expected = new ArrayList<>();
    try (FileJournal journal = FileJournal.open(config, new SimpleMeterRegistry())) {
      for (int i = 0; i < 40; i++) {
        if (i == 20) {
          journal.appendLine("this is not json\n".getBytes(StandardCharsets.UTF_8)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          expected.add("this is not json");
        }
        var r = Records.record(i);
        journal.append(r).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        expected.add(io.mailtrace.model.TraceJson.toJson(r));
      }
    }
    try (JournalReader reader = new JournalReader(config)) {
      List<String> got = new ArrayList<>();
      JournalPosition pos = JournalPosition.START;
      JournalPosition prev = null;
      while (true) {
        List<JournalEntry> batch = reader.read(pos, 7, 100_000);
        if (batch.isEmpty()) {
          break;
        }
        for (JournalEntry e : batch) {
          if (prev != null) {
            assertThat(e.position()).isGreaterThanOrEqualTo(prev);
          }
          prev = e.next();
          got.add(e.text());
        }
        pos = batch.get(batch.size() - 1).next();
      }
      assertThat(got).containsExactlyElementsOf(expected);
      assertThat(reader.bytesAfter(pos)).isZero();
      assertThat(reader.bytesAfter(JournalPosition.START)).isEqualTo(Segments.totalBytes(dir));
    }
  }

  @Test
  void anUnterminatedLineOfTheActiveSegmentIsNotReturnedUntilComplete() throws Exception {
    JournalConfig config = JournalConfig.defaults(dir);
    Path seg = Segments.path(dir, 0);
    Files.writeString(seg, "{\"a\":1}\n{\"b\":");
    try (JournalReader reader = new JournalReader(config)) {
      List<JournalEntry> first = reader.read(JournalPosition.START, 100, 1 << 20);
      assertThat(first).extracting(JournalEntry::text).containsExactly("{\"a\":1}");
      assertThat(reader.read(first.get(0).next(), 100, 1 << 20)).isEmpty();
      Files.writeString(seg, "2}\n", StandardOpenOption.APPEND);
      assertThat(reader.read(first.get(0).next(), 100, 1 << 20)).extracting(JournalEntry::text).containsExactly("{\"b\":2}");
    }
  }

  @Test
  void anUnterminatedRemainderOfAClosedSegmentComesBackAsTorn() throws Exception {
    JournalConfig config = JournalConfig.defaults(dir);
    Files.writeString(Segments.path(dir, 0), "{\"a\":1}\n{\"b\":");
    Files.writeString(Segments.path(dir, 1), "{\"c\":3}\n");
    try (JournalReader reader = new JournalReader(config)) {
      List<JournalEntry> all = reader.read(JournalPosition.START, 100, 1 << 20);
      assertThat(all).extracting(JournalEntry::text).containsExactly("{\"a\":1}", "{\"b\":", "{\"c\":3}");
      assertThat(all).extracting(JournalEntry::torn).containsExactly(false, true, false);
    }
  }

  @Test
  void deletesOnlySegmentsWhoseRecordsAreAllAcknowledged() throws Exception {
    JournalConfig config = JournalConfig.defaults(dir);
    Files.writeString(Segments.path(dir, 0), "{\"a\":1}\n");
    Files.writeString(Segments.path(dir, 1), "{\"b\":1}\n{\"b\":2}\n");
    Files.writeString(Segments.path(dir, 2), "{\"c\":1}\n");
    try (JournalReader reader = new JournalReader(config)) {
      assertThat(reader.deleteAcknowledged(new JournalPosition(1, 8))).isEqualTo(1);
      assertThat(Segments.list(dir)).containsExactly(1L, 2L);
      assertThat(reader.deleteAcknowledged(new JournalPosition(1, 16))).isEqualTo(1);
      assertThat(Segments.list(dir)).containsExactly(2L);
      // the last segment may still be written: never deleted
      assertThat(reader.deleteAcknowledged(new JournalPosition(2, 8))).isZero();
      assertThat(Segments.list(dir)).containsExactly(2L);
    }
  }

  @Test
  void checkpointRoundTripsAndReplacesAtomically() throws Exception {
    JournalCheckpoint cp = new JournalCheckpoint(dir.resolve("ingest.checkpoint"));
    assertThat(cp.load()).isEmpty();
    cp.store(new JournalPosition(3, 1234));
    assertThat(cp.load()).contains(new JournalPosition(3, 1234));
    cp.store(new JournalPosition(4, 0));
    assertThat(cp.load()).contains(new JournalPosition(4, 0));
    assertThat(dir.resolve("ingest.checkpoint.tmp")).doesNotExist();
  }
}
