package io.mailtrace.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a torn or corrupt tail in the last segment after a crash and moves it aside: bytes after
 * the last newline (a record cut mid-write) and trailing lines holding NUL bytes (blocks the file
 * system extended but never filled). The damaged bytes are copied to {@code quarantine/} and
 * fsynced before the segment is truncated, so nothing is lost and nothing garbled is indexed.
 */
final class TailRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(TailRecovery.class);

  private final Counter quarantined;
  private final Counter quarantinedBytes;

  TailRecovery(MeterRegistry registry) {
    this.quarantined = Counter.builder("mailtrace.journal.quarantined")
        .description("torn or corrupt journal tails moved to quarantine").register(registry);
    this.quarantinedBytes = Counter.builder("mailtrace.journal.quarantined.bytes")
        .description("bytes moved to quarantine").baseUnit("bytes").register(registry);
  }

  /** The length of the intact prefix of {@code bytes}: up to the last newline, minus NUL-damaged trailing lines. */
  static int intactLength(byte[] bytes, int length) {
    int end = length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    // end is 0 or just after a newline; drop trailing lines that contain NUL bytes
    while (end > 0) {
      int lineStart = end - 1;
      while (lineStart > 0 && bytes[lineStart - 1] != '\n') {
        lineStart--;
      }
      boolean damaged = false;
      for (int i = lineStart; i < end - 1; i++) {
        if (bytes[i] == 0) {
          damaged = true;
          break;
        }
      }
      if (!damaged) {
        break;
      }
      end = lineStart;
    }
    return end;
  }

  /** Checks the given segment; quarantines and truncates a damaged tail. Returns the intact size. */
  long recover(Path dir, Path quarantineDir, long segment) throws IOException {
    Path file = Segments.path(dir, segment);
    long size = Files.size(file);
    if (size == 0) {
      return 0;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("segment " + file + " is too large to check (" + size + " bytes)");
    }
    byte[] bytes = Files.readAllBytes(file);
    int intact = intactLength(bytes, bytes.length);
    if (intact == bytes.length) {
      return size;
    }
    Files.createDirectories(quarantineDir);
    Path target = quarantineDir.resolve(file.getFileName() + "." + intact + "." + System.currentTimeMillis() + ".damaged");
    try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes, intact, bytes.length - intact);
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      out.force(true);
    }
    Segments.fsyncDirectory(quarantineDir);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(intact);
      ch.force(true);
    }
    int damaged = bytes.length - intact;
    quarantined.increment();
    quarantinedBytes.increment(damaged);
    LOG.warn("journal: damaged tail in {} — kept {} intact bytes, moved {} damaged bytes to {}", file, intact, damaged, target);
    return intact;
  }
}
