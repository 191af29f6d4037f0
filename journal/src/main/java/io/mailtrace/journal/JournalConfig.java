package io.mailtrace.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and how big the journal is.
 *
 * @param directory holds the segment files, the writer lock, the ingest checkpoint and {@code quarantine/}
 * @param segmentBytes a segment is closed and a new one started once it would grow past this size
 * @param maxTotalBytes size cap over all segments plus queued appends; past it appends fail at once
 *     with {@link JournalFullException}
 * @param maxGroupCommitRecords at most this many queued appends share one write + fsync
 * @param files opens the segment files ({@link JournalFiles#DEFAULT} unless a test injects faults)
 */
public record JournalConfig(
    Path directory, long segmentBytes, long maxTotalBytes, int maxGroupCommitRecords, JournalFiles files) {
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  public static final long DEFAULT_MAX_TOTAL_BYTES = 2L << 30;
  public static final int DEFAULT_MAX_GROUP_COMMIT_RECORDS = 4096;

  public JournalConfig {
    files = files == null ? JournalFiles.DEFAULT : files;
  }

  public JournalConfig(Path directory, long segmentBytes, long maxTotalBytes, int maxGroupCommitRecords) {
    this(directory, segmentBytes, maxTotalBytes, maxGroupCommitRecords, JournalFiles.DEFAULT);
  }

  /** Defaults: 64 MiB segments, 2 GiB cap (about 2 million trace records), 4096 records per fsync. */
  public static JournalConfig defaults(Path directory) {
    return new JournalConfig(directory, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_GROUP_COMMIT_RECORDS);
  }

  public JournalConfig withSegmentBytes(long v) {
    return new JournalConfig(directory, v, maxTotalBytes, maxGroupCommitRecords, files);
  }

  public JournalConfig withMaxTotalBytes(long v) {
    return new JournalConfig(directory, segmentBytes, v, maxGroupCommitRecords, files);
  }

  /** The same journal with segment files opened by {@code v} (fault-injection tests). */
  public JournalConfig withFiles(JournalFiles v) {
    return new JournalConfig(directory, segmentBytes, maxTotalBytes, maxGroupCommitRecords, v);
  }

  /** The file the ingest pipeline keeps its acknowledged position in. */
  public Path checkpointFile() {
    return directory.resolve("ingest.checkpoint");
  }

  public Path quarantineDirectory() {
    return directory.resolve("quarantine");
  }

  /** Every problem at once, each naming the key and the value; empty when valid. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (directory == null) {
      errors.add("journal.directory: missing");
    }
    if (segmentBytes < 1024) {
      errors.add("journal.segment-bytes: " + segmentBytes + " is below 1024");
    }
    if (maxTotalBytes < 2 * segmentBytes) {
      errors.add("journal.max-total-bytes: " + maxTotalBytes + " must be at least twice journal.segment-bytes (" + segmentBytes + ")");
    }
    if (maxGroupCommitRecords < 1) {
      errors.add("journal.max-group-commit-records: " + maxGroupCommitRecords + " must be positive");
    }
    return errors;
  }

  void requireValid() {
    List<String> errors = validate();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
  }
}
