package io.mailtrace.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {
  @TempDir Path dir;

  private static void await(Future<?> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  private List<String> allLines() throws IOException {
    List<String> out = new ArrayList<>();
    for (long s : Segments.list(dir)) {
      out.addAll(Files.readAllLines(Segments.path(dir, s)));
    }
    return out;
  }

  @Test
  void concurrentAppendsShareFsyncsAndAllArriveAsOneLineEach() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int threads = 8;
    int perThread = 250;
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), registry)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<java.util.concurrent.Future<List<Future<Void>>>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * perThread;
        submitted.add(pool.submit(() -> {
          List<Future<Void>> fs = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            fs.add(journal.append(Records.record(base + i)));
          }
          return fs;
        }));
      }
      for (var s : submitted) {
        for (Future<Void> f : s.get(60, TimeUnit.SECONDS)) {
          await(f);
        }
      }
      pool.shutdown();
      long fsyncs = registry.get("mailtrace.journal.fsync").timer().count();
      assertThat(registry.get("mailtrace.journal.appends").counter().count()).isEqualTo(threads * perThread);
      // group commit: 2,000 appends from 8 threads never need 2,000 fsyncs
      assertThat(fsyncs).isLessThan(threads * perThread);
    }
    List<String> lines = allLines();
    assertThat(lines).hasSize(threads * perThread);
    for (String l : lines) {
      TraceJson.parse(l); // every line is one whole record
    }
  }

  @Test
  void appendCompletesOnlyWhenTheRecordIsInTheFile() throws Exception {
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), new SimpleMeterRegistry())) {
      TraceRecord r = Records.record(1);
      await(journal.append(r));
      assertThat(allLines()).containsExactly(TraceJson.toJson(r));
    }
  }

  @Test
  void rollsSegmentsAtTheSegmentSize() throws Exception {
    JournalConfig config = JournalConfig.defaults(dir).withSegmentBytes(4096);
    try (FileJournal journal = FileJournal.open(config, new SimpleMeterRegistry())) {
      for (int i = 0; i < 100; i++) {
        await(journal.append(Records.record(i)));
      }
    }
    assertThat(Segments.list(dir).size()).isGreaterThan(5);
    for (long s : Segments.list(dir)) {
      assertThat(Files.size(Segments.path(dir, s))).isLessThanOrEqualTo(4096);
    }
    assertThat(allLines()).hasSize(100);
  }

  @Test
  void fullJournalRefusesAtOnceAndAcceptsAgainAfterAcknowledgedSegmentsAreDeleted() throws Exception {
    JournalConfig config = JournalConfig.defaults(dir).withSegmentBytes(4096).withMaxTotalBytes(16384);
    try (FileJournal journal = FileJournal.open(config, new SimpleMeterRegistry())) {
      assertThat(journal.nearlyFull()).isFalse();
      Throwable refused = null;
      int written = 0;
      for (int i = 0; i < 1000 && refused == null; i++) {
        refused = failureOf(journal.append(Records.record(i)));
        if (refused == null) {
          written++;
        }
      }
      assertThat(refused).isInstanceOf(JournalFullException.class).hasMessageContaining("full");
      assertThat(written).isGreaterThan(10);
      assertThat(journal.nearlyFull()).as("full journal says so before an append is tried").isTrue();
      assertThat(failureOf(journal.append(Records.record(5000)))).isInstanceOf(JournalFullException.class);

      JournalReader reader = new JournalReader(config);
      List<JournalEntry> all = reader.read(JournalPosition.START, Integer.MAX_VALUE, Long.MAX_VALUE);
      assertThat(all).hasSize(written);
      reader.deleteAcknowledged(all.get(all.size() - 1).next());
      reader.close();
      // Freed by the reader (another process in production): seen without an append.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (journal.nearlyFull() && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // re-measures at most every 200 ms
      }
      assertThat(journal.nearlyFull()).isFalse();

      assertThat(failureOf(journal.append(Records.record(5001)))).isNull();
    }
  }

  @Test
  void tornTailIsQuarantinedAtOpenAndIntactRecordsKept() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> written = new ArrayList<>();
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), registry)) {
      for (int i = 0; i < 5; i++) {
        TraceRecord r = Records.record(i);
        written.add(TraceJson.toJson(r));
        await(journal.append(r));
      }
    }
    Path seg = Segments.path(dir, Segments.list(dir).get(0));
    long size = Files.size(seg);
    int cut = written.get(4).length() / 2;
    try (var ch = java.nio.channels.FileChannel.open(seg, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size - cut); // the last record loses its second half and its newline
    }
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), registry)) {
      assertThat(Files.readAllLines(seg)).containsExactlyElementsOf(written.subList(0, 4));
      List<Path> q;
      try (Stream<Path> s = Files.list(dir.resolve("quarantine"))) {
        q = s.toList();
      }
      assertThat(q).hasSize(1);
      String torn = Files.readString(q.get(0), StandardCharsets.UTF_8);
      assertThat(written.get(4)).startsWith(torn);
      assertThat(registry.get("mailtrace.journal.quarantined").counter().count()).isEqualTo(1);
      assertThat(registry.get("mailtrace.journal.quarantined.bytes").counter().count()).isEqualTo(torn.length());
      // new appends go to a fresh segment, after the intact records
      await(journal.append(Records.record(9)));
    }
    assertThat(allLines()).hasSize(5);
  }

  @Test
  void intactLengthDropsUnterminatedAndNulFilledTails() {
    byte[] ok = "{\"a\":1}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8);
    assertThat(TailRecovery.intactLength(ok, ok.length)).isEqualTo(ok.length);
    byte[] torn = "{\"a\":1}\n{\"b\":".getBytes(StandardCharsets.UTF_8);
    assertThat(TailRecovery.intactLength(torn, torn.length)).isEqualTo(8);
    byte[] zeros = "{\"a\":1}\n\0\0\0\0\n".getBytes(StandardCharsets.UTF_8);
    assertThat(TailRecovery.intactLength(zeros, zeros.length)).isEqualTo(8);
    byte[] none = "{\"a\":".getBytes(StandardCharsets.UTF_8);
    assertThat(TailRecovery.intactLength(none, none.length)).isZero();
  }

  @Test
  void aSecondWriterOnTheSameDirectoryIsRefused() throws Exception {
    try (FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), new SimpleMeterRegistry())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> FileJournal.open(JournalConfig.defaults(dir), new SimpleMeterRegistry()))
          .isInstanceOf(IOException.class).hasMessageContaining("already open");
    }
  }

  @Test
  void appendsAfterCloseFailAsWriteErrors() throws Exception {
    FileJournal journal = FileJournal.open(JournalConfig.defaults(dir), new SimpleMeterRegistry());
    journal.close();
    assertThat(failureOf(journal.append(Records.record(1)))).isInstanceOf(JournalWriteException.class);
  }
}
