package io.mailtrace.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads journal lines in order from a {@link JournalPosition}, for ingest. Only complete
 * (newline-terminated) lines are returned from the segment being written; a closed segment (one
 * with a later segment after it) ending in an unterminated remainder yields it as a
 * {@linkplain JournalEntry#torn() torn} entry so that it is dead-lettered rather than lost.
 *
 * <p>Blocking file I/O: call from a worker thread. Methods are synchronized; one reader per
 * pipeline. The reader never modifies segments except {@link #deleteAcknowledged} (whole files).
 */
public final class JournalReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);
  private static final int MIN_CHUNK = 64 * 1024;

  private final Path dir;
  private long openSegment = -1;
  private FileChannel channel;
  private ByteBuffer buffer = ByteBuffer.allocate(MIN_CHUNK);

  public JournalReader(JournalConfig config) {
    this.dir = config.directory();
  }

  /**
   * Up to {@code maxRecords} lines (and about {@code maxBytes}, always at least one line) starting
   * at {@code from}. Empty when nothing new is there yet.
   */
  public synchronized List<JournalEntry> read(JournalPosition from, int maxRecords, long maxBytes) throws IOException {
    List<JournalEntry> out = new ArrayList<>();
    JournalPosition pos = from;
    long bytes = 0;
    List<Long> segments = Segments.list(dir);
    while (out.size() < maxRecords && bytes < maxBytes) {
      pos = normalize(pos, segments);
      if (pos == null) {
        break;
      }
      boolean sealed = pos.segment() < segments.get(segments.size() - 1);
      FileChannel ch = channelFor(pos.segment());
      if (ch == null) {
        segments = Segments.list(dir);
        continue;
      }
      long size = ch.size();
      if (pos.offset() >= size) {
        if (!sealed) {
          break;
        }
        pos = new JournalPosition(nextSegment(pos.segment(), segments), 0);
        continue;
      }
      int chunk = (int) Math.min(size - pos.offset(), Math.max(MIN_CHUNK, Math.min(maxBytes - bytes, Integer.MAX_VALUE - 16)));
      ByteBuffer buf = fill(ch, pos.offset(), chunk);
      byte[] array = buf.array();
      int limit = buf.limit();
      int start = 0;
      int found = 0;
      for (int i = 0; i < limit && out.size() < maxRecords && bytes < maxBytes; i++) {
        if (array[i] == '\n') {
          byte[] line = Arrays.copyOfRange(array, start, i);
          JournalPosition at = new JournalPosition(pos.segment(), pos.offset() + start);
          out.add(new JournalEntry(at, new JournalPosition(pos.segment(), pos.offset() + i + 1), line, false));
          bytes += i + 1 - start;
          start = i + 1;
          found++;
        }
      }
      if (found > 0) {
        pos = new JournalPosition(pos.segment(), pos.offset() + start);
        continue;
      }
      // No newline in the chunk.
      if (chunk < size - pos.offset()) {
        // a line longer than the chunk: read it whole next time round
        buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, (long) chunk * 2));
        maxBytes = Math.max(maxBytes, bytes + chunk * 2L);
        continue;
      }
      if (!sealed) {
        break; // a record still being written
      }
      // An unterminated remainder in a closed segment: crash debris the writer did not quarantine.
      byte[] rest = Arrays.copyOfRange(array, 0, limit);
      JournalPosition next = new JournalPosition(nextSegment(pos.segment(), segments), 0);
      LOG.warn("journal: {} unterminated bytes at the end of closed segment {} (offset {})", rest.length, pos.segment(), pos.offset());
      out.add(new JournalEntry(pos, next, rest, true));
      bytes += rest.length;
      pos = next;
    }
    return out;
  }

  /** The first readable position at or after {@code pos}, or null when there is no segment. */
  private static JournalPosition normalize(JournalPosition pos, List<Long> segments) {
    if (segments.isEmpty()) {
      return null;
    }
    if (segments.contains(pos.segment())) {
      return pos;
    }
    for (long s : segments) {
      if (s > pos.segment()) {
        return new JournalPosition(s, 0);
      }
    }
    return null;
  }

  private static long nextSegment(long segment, List<Long> segments) {
    for (long s : segments) {
      if (s > segment) {
        return s;
      }
    }
    return segment + 1;
  }

  private ByteBuffer fill(FileChannel ch, long offset, int length) throws IOException {
    if (buffer.capacity() < length) {
      buffer = ByteBuffer.allocate(length);
    }
    buffer.clear();
    buffer.limit(length);
    long at = offset;
    while (buffer.hasRemaining()) {
      int n = ch.read(buffer, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
    buffer.flip();
    return buffer;
  }

  private FileChannel channelFor(long segment) throws IOException {
    if (openSegment == segment && channel != null) {
      return channel;
    }
    closeChannel();
    try {
      channel = FileChannel.open(Segments.path(dir, segment), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
    openSegment = segment;
    return channel;
  }

  /** Bytes in the journal at or after {@code pos}: the ingest lag in bytes. */
  public synchronized long bytesAfter(JournalPosition pos) throws IOException {
    long total = 0;
    for (long s : Segments.list(dir)) {
      if (s < pos.segment()) {
        continue;
      }
      try {
        long size = Files.size(Segments.path(dir, s));
        total += s == pos.segment() ? Math.max(0, size - pos.offset()) : size;
      } catch (NoSuchFileException e) {
        // deleted meanwhile
      }
    }
    return total;
  }

  /**
   * Deletes every segment whose records all lie before {@code acknowledged}: segments with a lower
   * number, and the acknowledged segment itself when fully read and closed (a later one exists).
   * Returns how many files were deleted.
   */
  public synchronized int deleteAcknowledged(JournalPosition acknowledged) throws IOException {
    List<Long> segments = Segments.list(dir);
    if (segments.isEmpty()) {
      return 0;
    }
    long last = segments.get(segments.size() - 1);
    int deleted = 0;
    for (long s : segments) {
      boolean before = s < acknowledged.segment();
      boolean fullyRead = s == acknowledged.segment() && s < last
          && acknowledged.offset() >= Files.size(Segments.path(dir, s));
      if ((before || fullyRead) && s < last) {
        if (s == openSegment) {
          closeChannel();
        }
        Files.deleteIfExists(Segments.path(dir, s));
        deleted++;
      }
    }
    if (deleted > 0) {
      Segments.fsyncDirectory(dir);
    }
    return deleted;
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
      openSegment = -1;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closeChannel();
  }
}
