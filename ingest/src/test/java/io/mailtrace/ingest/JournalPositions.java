package io.mailtrace.ingest;

import io.mailtrace.journal.JournalCheckpoint;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalEntry;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.journal.JournalReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** Where the ingest checkpoint is and where the journal ends, read from the test thread. */
final class JournalPositions {
  private JournalPositions() {}

  /** The stored checkpoint, or the start when none was stored yet. */
  static JournalPosition checkpoint(JournalConfig config) {
    try {
      return new JournalCheckpoint(config.checkpointFile()).load().orElse(JournalPosition.START);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The position after the last complete line (segments before the checkpoint may be gone). */
  static JournalPosition end(JournalConfig config) throws IOException {
    try (JournalReader r = new JournalReader(config)) {
      JournalPosition pos = checkpoint(config);
      while (true) {
        List<JournalEntry> batch = r.read(pos, 100_000, 64L << 20);
        if (batch.isEmpty()) {
          return pos;
        }
        pos = batch.get(batch.size() - 1).next();
      }
    }
  }

  /** Waits until ingest has checkpointed everything appended so far. */
  static void awaitCheckpointAtEnd(JournalConfig config, Duration timeout) throws IOException {
    JournalPosition end = end(config);
    Await.until(timeout, "checkpoint at the journal end " + end, () -> checkpoint(config).equals(end));
  }
}
