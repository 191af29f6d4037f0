package io.mailtrace.journal;

import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-backed {@link TraceJournal}: NDJSON segment files written by one dedicated writer
 * thread with group commit (every append queued while an fsync runs shares the next one).
 *
 * <p>Lifecycle: {@link #open} (blocking: takes the directory lock, quarantines a damaged tail of
 * the last segment, starts a fresh segment) then any number of concurrent {@link #append} calls
 * from any thread, then {@link #close}. One writer per directory (enforced by a file lock); the
 * ingest {@link JournalReader} may run in the same or another process.
 *
 * <p>Size accounting is conservative: bytes on disk plus bytes queued. When the cap is reached
 * the directory is re-measured once (ingest may have deleted acknowledged segments) before the
 * append is refused with {@link JournalFullException}.
 */
public final class FileJournal implements TraceJournal, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
  private static final Pending STOP = new Pending(new byte[0], null, null);

  private final JournalConfig config;
  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicLong usedBytes = new AtomicLong();
  private static final long MEASURE_INTERVAL_NANOS = 200_000_000L;
  private volatile long lastMeasured = System.nanoTime() - MEASURE_INTERVAL_NANOS;
  private final Thread writer;
  private final Counter appended;
  private final Counter refusedFull;
  private final Counter writeErrors;
  private final Timer fsyncTimer;

  // writer-thread state
  private final JournalFiles files;
  private long segment;
  private FileChannel channel;
  private long segmentSize;
  /** Length of the current segment known to be on disk (fsynced). */
  private long durableSize;
  /** A write or fsync failed: bytes past durableSize must be cut off before anything else is written. */
  private boolean damaged;
  private volatile boolean closed;

  private record Pending(byte[] line, Context context, Promise<Void> promise) {}

  private FileJournal(JournalConfig config, MeterRegistry registry, FileChannel lockChannel, FileLock lock) {
    this.config = config;
    this.dir = config.directory();
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.files = config.files();
    this.appended = Counter.builder("mailtrace.journal.appends").description("records made durable").register(registry);
    this.refusedFull = Counter.builder("mailtrace.journal.full").description("appends refused: journal full").register(registry);
    this.writeErrors = Counter.builder("mailtrace.journal.write.errors").description("appends failed by a write or fsync error").register(registry);
    this.fsyncTimer = Timer.builder("mailtrace.journal.fsync").description("group commit fsync latency").register(registry);
    Gauge.builder("mailtrace.journal.used.bytes", usedBytes, AtomicLong::get).baseUnit("bytes").register(registry);
    this.writer = new Thread(this::writeLoop, "mailtrace-journal-writer");
    this.writer.setDaemon(true);
  }

  /** Opens (creating if needed) the journal directory; blocking, call off the event loop. */
  public static FileJournal open(JournalConfig config, MeterRegistry registry) throws IOException {
    config.requireValid();
    Path dir = config.directory();
    Files.createDirectories(dir);
    FileChannel lockChannel = FileChannel.open(dir.resolve("writer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("journal " + dir + " is already open for writing by another writer");
    }
    FileJournal journal = new FileJournal(config, registry, lockChannel, lock);
    try {
      journal.recoverAndStartSegment(new TailRecovery(registry));
    } catch (IOException | RuntimeException e) {
      journal.releaseLock();
      throw e;
    }
    journal.writer.start();
    return journal;
  }

  /** Opens the journal on a worker thread of {@code vertx}. */
  public static Future<FileJournal> open(Vertx vertx, JournalConfig config, MeterRegistry registry) {
    return vertx.executeBlocking(() -> open(config, registry), false);
  }

  private void recoverAndStartSegment(TailRecovery recovery) throws IOException {
    List<Long> segments = Segments.list(dir);
    long last = segments.isEmpty() ? 0 : segments.get(segments.size() - 1);
    long lastSize = segments.isEmpty() ? -1 : recovery.recover(dir, config.quarantineDirectory(), last);
    // Never append after bytes written before a crash: continue only in an empty segment.
    openSegment(segments.isEmpty() || lastSize == 0 ? last : last + 1, StandardOpenOption.CREATE);
    usedBytes.set(Segments.totalBytes(dir));
    LOG.info("journal {} open: writing segment {}, {} bytes in use of {}", dir, segment, usedBytes.get(), config.maxTotalBytes());
  }

  public JournalConfig config() {
    return config;
  }

  /** Bytes counted against the cap: segments on disk plus queued appends. */
  public long usedBytes() {
    return usedBytes.get();
  }

  @Override
  public Future<Void> append(TraceRecord record) {
    byte[] json;
    try {
      json = TraceJson.toBytes(record);
    } catch (RuntimeException e) {
      return Future.failedFuture(new JournalWriteException("record could not be serialized: " + e.getMessage(), e));
    }
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return appendLine(line);
  }

  @Override
  public boolean nearlyFull() {
    // Room for about a hundred typical records, or a sixteenth of a small cap.
    long headroom = Math.min(256 * 1024, config.maxTotalBytes() / 16);
    if (usedBytes.get() + headroom <= config.maxTotalBytes()) {
      return false;
    }
    long now = System.nanoTime();
    if (now - lastMeasured > MEASURE_INTERVAL_NANOS) {
      // Nothing is appended while we answer "full", so look for segments ingest has freed
      // (a directory listing, at most a few times a second).
      lastMeasured = now;
      synchronized (this) {
        measure();
      }
    }
    return usedBytes.get() + headroom > config.maxTotalBytes();
  }

  /** Appends one already-encoded line (must end with a newline). Package-private for tests. */
  Future<Void> appendLine(byte[] line) {
    if (closed) {
      return Future.failedFuture(new JournalWriteException("journal is closed", null));
    }
    if (!reserve(line.length)) {
      refusedFull.increment();
      return Future.failedFuture(new JournalFullException("journal full: " + usedBytes.get() + " of " + config.maxTotalBytes() + " bytes in use"));
    }
    Promise<Void> promise = Promise.promise();
    queue.add(new Pending(line, Vertx.currentContext(), promise));
    if (closed) {
      // raced with close(): the writer may be gone; fail rather than leave it hanging
      drainAndFail(new JournalWriteException("journal is closed", null));
    }
    return promise.future();
  }

  private boolean reserve(long n) {
    if (tryReserve(n)) {
      return true;
    }
    synchronized (this) {
      // Ingest may have deleted acknowledged segments since we last looked.
      measure();
      return tryReserve(n);
    }
  }

  /** Bytes on disk plus queued lines; call holding this monitor. */
  private void measure() {
    try {
      long onDisk = Segments.totalBytes(dir);
      long queued = 0;
      for (Pending p : queue) {
        queued += p.line.length;
      }
      usedBytes.set(onDisk + queued);
    } catch (IOException e) {
      LOG.warn("journal: could not measure {}: {}", dir, e.toString());
    }
  }

  private boolean tryReserve(long n) {
    while (true) {
      long used = usedBytes.get();
      if (used + n > config.maxTotalBytes()) {
        return false;
      }
      if (usedBytes.compareAndSet(used, used + n)) {
        return true;
      }
    }
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      try {
        Pending first = queue.take();
        if (first == STOP) {
          return;
        }
        batch.add(first);
        queue.drainTo(batch, config.maxGroupCommitRecords() - 1);
        boolean stop = batch.remove(STOP);
        commit(batch);
        batch.clear();
        if (stop) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Writes and fsyncs one group; completes every append in it with its outcome. */
  private void commit(List<Pending> batch) {
    if (damaged) {
      try {
        repair();
      } catch (IOException | RuntimeException e) {
        writeErrors.increment(batch.size());
        fail(batch, new JournalWriteException("journal not writable since an earlier write error: " + e.getMessage(), e));
        return;
      }
    }
    int durableCount = 0; // appends of this batch already fsynced in a segment we rolled away from
    try {
      List<ByteBuffer> buffers = new ArrayList<>(batch.size());
      long pendingBytes = 0;
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        if (segmentSize + pendingBytes + p.line.length > config.segmentBytes() && segmentSize + pendingBytes > 0) {
          writeAll(buffers);
          segmentSize += pendingBytes;
          pendingBytes = 0;
          buffers.clear();
          rollSegment();
          durableCount = i;
        }
        buffers.add(ByteBuffer.wrap(p.line));
        pendingBytes += p.line.length;
      }
      writeAll(buffers);
      segmentSize += pendingBytes;
      long t0 = System.nanoTime();
      channel.force(false);
      fsyncTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      durableSize = segmentSize;
    } catch (IOException | RuntimeException e) {
      IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
      damaged = true;
      List<Pending> durable = batch.subList(0, durableCount);
      List<Pending> lost = batch.subList(durableCount, batch.size());
      appended.increment(durable.size());
      durable.forEach(p -> complete(p, null));
      writeErrors.increment(lost.size());
      LOG.error("journal: write/fsync to segment {} failed; failing {} appends: {}", segment, lost.size(), io.toString());
      fail(lost, new JournalWriteException("journal write failed: " + io.getMessage(), io));
      try {
        repair();
      } catch (IOException | RuntimeException again) {
        LOG.error("journal: cannot cut off the failed bytes yet ({}); refusing appends until that succeeds", again.toString());
      }
      return;
    }
    appended.increment(batch.size());
    for (Pending p : batch) {
      complete(p, null);
    }
  }

  private void writeAll(List<ByteBuffer> buffers) throws IOException {
    if (buffers.isEmpty()) {
      return;
    }
    ByteBuffer[] arr = buffers.toArray(new ByteBuffer[0]);
    long remaining = 0;
    for (ByteBuffer b : arr) {
      remaining += b.remaining();
    }
    while (remaining > 0) {
      remaining -= channel.write(arr);
    }
  }

  private void rollSegment() throws IOException {
    channel.force(false);
    channel.close();
    openSegment(segment + 1, StandardOpenOption.CREATE_NEW);
  }

  /** Makes {@code n} the segment being written (durable up to its current size). */
  private void openSegment(long n, StandardOpenOption create) throws IOException {
    FileChannel ch = files.open(Segments.path(dir, n), create, StandardOpenOption.WRITE);
    channel = ch;
    segment = n;
    segmentSize = ch.size();
    durableSize = segmentSize;
    ch.position(segmentSize);
    Segments.fsyncDirectory(dir);
  }

  /**
   * After a failed write or fsync the page cache may hold bytes of appends we just failed: cut
   * them off (through a fresh file descriptor: an fsync error is reported once per descriptor)
   * and continue in a new segment. Retried before every later group until it succeeds, so the
   * journal recovers by itself once space returns; the failed appends are never retried.
   */
  private void repair() throws IOException {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("journal: closing failed segment {}: {}", segment, e.toString());
    }
    try (FileChannel ch = files.open(Segments.path(dir, segment), StandardOpenOption.WRITE)) {
      if (ch.size() > durableSize) {
        ch.truncate(durableSize);
      }
      ch.force(true);
    } catch (java.nio.file.NoSuchFileException e) {
      // never created: nothing to cut off
    }
    openSegment(segment + 1, StandardOpenOption.CREATE);
    damaged = false;
    usedBytes.set(Segments.totalBytes(dir) + queuedBytes());
    LOG.info("journal: recovered from the write error; continuing in segment {}", segment);
  }

  private long queuedBytes() {
    long q = 0;
    for (Pending p : queue) {
      q += p.line.length;
    }
    return q;
  }

  private void fail(List<Pending> batch, JournalException e) {
    for (Pending p : batch) {
      complete(p, e);
    }
  }

  private static void complete(Pending p, Throwable failure) {
    if (p.promise == null) {
      return;
    }
    if (p.context != null) {
      p.context.runOnContext(v -> finish(p.promise, failure));
    } else {
      finish(p.promise, failure);
    }
  }

  private static void finish(Promise<Void> promise, Throwable failure) {
    if (failure == null) {
      promise.tryComplete();
    } else {
      promise.tryFail(failure);
    }
  }

  private void drainAndFail(JournalException e) {
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    rest.remove(STOP);
    fail(rest, e);
  }

  /** Flushes queued appends, stops the writer and releases the directory lock. Blocking. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drainAndFail(new JournalWriteException("journal is closed", null));
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("journal: closing segment {}: {}", segment, e.toString());
    }
    releaseLock();
  }

  private void releaseLock() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("journal: releasing lock: {}", e.toString());
    }
  }
}
