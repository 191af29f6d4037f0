package io.mailtrace.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The position up to which every journal record is acknowledged (indexed, duplicate or
 * dead-lettered). Stored as one line {@code <segment> <offset>}, replaced atomically: write a temp
 * file, fsync it, rename it over the old one, fsync the directory. A crash at any point leaves
 * either the old or the new checkpoint, never a mix. Blocking: call from a worker thread.
 */
public final class JournalCheckpoint {
  private final Path file;

  public JournalCheckpoint(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The stored position, or empty when none was ever stored. */
  public Optional<JournalPosition> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    String[] parts = text.split(" ");
    try {
      if (parts.length != 2) {
        throw new NumberFormatException(text);
      }
      return Optional.of(new JournalPosition(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
    } catch (IllegalArgumentException e) {
      throw new IOException("checkpoint " + file + " is not '<segment> <offset>': " + text, e);
    }
  }

  public void store(JournalPosition position) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    byte[] bytes = (position.segment() + " " + position.offset() + "\n").getBytes(StandardCharsets.US_ASCII);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Segments.fsyncDirectory(dir);
  }
}
