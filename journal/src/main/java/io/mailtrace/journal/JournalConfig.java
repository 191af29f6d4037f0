package io.mailtrace.journal;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param commitDelay under sustained load (an append arriving within this time of the last fsync),
 *     the writer waits until the group's first append is this old before it writes, so that more
 *     appends share the fsync (PostgreSQL's {@code commit_delay}); an append after a quiet spell is
 *     written at once. Zero turns it off.
 * @param files opens the segment files ({@link JournalFiles#DEFAULT} unless a test injects faults)
 */
public record JournalConfig(
    Path directory,
    long segmentBytes,
    long maxTotalBytes,
    int maxGroupCommitRecords,
    Duration commitDelay,
    JournalFiles files) {
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
  public static final long DEFAULT_MAX_TOTAL_BYTES = 2L << 30;
  public static final int DEFAULT_MAX_GROUP_COMMIT_RECORDS = 4096;
  public static final Duration DEFAULT_COMMIT_DELAY = Duration.ofMillis(1);

  public JournalConfig {
    commitDelay = commitDelay == null ? DEFAULT_COMMIT_DELAY : commitDelay;
    files = files == null ? JournalFiles.DEFAULT : files;
  }

  public JournalConfig(Path directory, long segmentBytes, long maxTotalBytes, int maxGroupCommitRecords, JournalFiles files) {
    this(directory, segmentBytes, maxTotalBytes, maxGroupCommitRecords, DEFAULT_COMMIT_DELAY, files);
  }

  public JournalConfig(Path directory, long segmentBytes, long maxTotalBytes, int maxGroupCommitRecords) {
    this(directory, segmentBytes, maxTotalBytes, maxGroupCommitRecords, DEFAULT_COMMIT_DELAY, JournalFiles.DEFAULT);
  }

  /**
   * Defaults: 64 MiB segments, 2 GiB cap (about 2 million trace records), 4096 records per fsync,
   * 1 ms commit delay under load.
   */
  public static JournalConfig defaults(Path directory) {
    return new JournalConfig(directory, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_GROUP_COMMIT_RECORDS);
  }

  public JournalConfig withSegmentBytes(long v) {
    return new JournalConfig(directory, v, maxTotalBytes, maxGroupCommitRecords, commitDelay, files);
  }

  public JournalConfig withMaxTotalBytes(long v) {
    return new JournalConfig(directory, segmentBytes, v, maxGroupCommitRecords, commitDelay, files);
  }

  public JournalConfig withCommitDelay(Duration v) {
    return new JournalConfig(directory, segmentBytes, maxTotalBytes, maxGroupCommitRecords, v, files);
  }

  /** The same journal with segment files opened by {@code v} (fault-injection tests). */
  public JournalConfig withFiles(JournalFiles v) {
    return new JournalConfig(directory, segmentBytes, maxTotalBytes, maxGroupCommitRecords, commitDelay, v);
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
    if (commitDelay.isNegative() || commitDelay.compareTo(Duration.ofSeconds(1)) > 0) {
      errors.add("journal.commit-delay: " + commitDelay + " must be between 0 and 1 s");
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
