package io.mailtrace.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtrace.journal.JournalEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * Records Elasticsearch refused for good (or journal lines that are not records), one JSON object a
 * line: {@code at}, {@code position} in the journal, {@code reason}, and {@code line} (the journal
 * line exactly, as a string). Appends are fsynced before they return, because the checkpoint moves
 * past the record right after. Blocking and synchronized: call from a worker thread.
 */
public final class DeadLetterFile implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One refused record and why. */
  public record Letter(JournalEntry entry, String reason) {}

  private final Path file;
  private final Clock clock;
  private FileChannel channel;

  public DeadLetterFile(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  public synchronized void append(List<Letter> letters) throws IOException {
    if (letters.isEmpty()) {
      return;
    }
    if (channel == null) {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    StringBuilder sb = new StringBuilder();
    for (Letter l : letters) {
      ObjectNode n = JSON.createObjectNode();
      n.put("at", clock.instant().toString());
      n.put("position", l.entry().position().toString());
      n.put("reason", l.reason());
      n.put("line", new String(l.entry().line(), StandardCharsets.UTF_8));
      sb.append(JSON.writeValueAsString(n)).append('\n');
    }
    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    channel.force(false);
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
