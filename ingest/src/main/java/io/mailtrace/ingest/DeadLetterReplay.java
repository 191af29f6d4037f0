package io.mailtrace.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtrace.journal.JournalEntry;
import io.mailtrace.journal.JournalPosition;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-indexes the records of a dead-letter file (after an operator fixed them, or fixed the
 * mapping): each letter's {@code line} is validated and sent with {@code _bulk create} under its
 * own id, so running it twice never indexes a record twice (409 counts as duplicate). Letters that
 * still fail stay in the file, with the new reason; the others are removed. The file is replaced
 * atomically (temp file, fsync, rename).
 *
 * <p>Blocking (a command-line tool): call from a plain thread. The ingest process must not be
 * writing to the same file meanwhile (stop it, or replay a copy): its appends to the replaced file
 * would be lost.
 */
public final class DeadLetterReplay {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BULK_PATH = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";
  private static final int CHUNK = 500;

  private final String esUrl;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  /** What a replay did; {@code stillFailing} letters are kept in the file. */
  public record Report(int indexed, int duplicates, int stillFailing) {}

  private record Letter(String raw, ObjectNode node, PreparedItem item) {}

  private record PreparedItem(byte[] bulkLines, String invalidReason) {}

  public DeadLetterReplay(String esUrl, Clock clock) {
    this.esUrl = esUrl.endsWith("/") ? esUrl.substring(0, esUrl.length() - 1) : esUrl;
    this.clock = clock;
  }

  /** Replays every letter of {@code file}; throws when the file or Elasticsearch cannot be read (the file is then unchanged). */
  public Report replay(Path file) throws IOException, InterruptedException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such dead-letter file");
    }
    List<Letter> letters = new ArrayList<>();
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!raw.isBlank()) {
        letters.add(parse(raw));
      }
    }
    List<String> kept = new ArrayList<>();
    int indexed = 0;
    int duplicates = 0;
    List<Letter> sendable = new ArrayList<>();
    for (Letter l : letters) {
      if (l.item.invalidReason != null) {
        kept.add(relabel(l, l.item.invalidReason));
      } else {
        sendable.add(l);
      }
    }
    for (int from = 0; from < sendable.size(); from += CHUNK) {
      List<Letter> chunk = sendable.subList(from, Math.min(sendable.size(), from + CHUNK));
      Buffer body = Buffer.buffer();
      for (Letter l : chunk) {
        body.appendBytes(l.item.bulkLines);
      }
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(esUrl + BULK_PATH)).timeout(Duration.ofSeconds(60))
          .header("content-type", "application/x-ndjson")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes())).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() < 200 || r.statusCode() >= 300) {
        String why = "replay: bulk request refused: HTTP " + r.statusCode() + " " + abbreviate(new String(r.body(), StandardCharsets.UTF_8));
        for (Letter l : chunk) {
          kept.add(relabel(l, why));
        }
        continue;
      }
      List<TraceStore.ItemResult> results = ElasticsearchTraceStore.parseItems(Buffer.buffer(r.body()), chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        TraceStore.ItemResult res = results.get(i);
        switch (BulkItemPolicy.classify(res.status(), res.errorType())) {
          case CREATED -> indexed++;
          case DUPLICATE -> duplicates++;
          case RETRY -> kept.add(relabel(chunk.get(i), "replay: temporary refusal, run the replay again: HTTP " + res.status() + " "
              + res.errorType() + ": " + res.errorReason()));
          case DEAD_LETTER -> kept.add(relabel(chunk.get(i), "HTTP " + res.status() + " " + res.errorType() + ": " + res.errorReason()));
        }
      }
    }
    rewrite(file, kept);
    return new Report(indexed, duplicates, kept.size());
  }

  /** A letter line, its journal line prepared exactly as the pipeline would prepare it. */
  private static Letter parse(String raw) {
    JsonNode n;
    try {
      n = JSON.readTree(raw);
    } catch (IOException e) {
      return new Letter(raw, null, new PreparedItem(null, "not a dead letter (not JSON)"));
    }
    if (!(n instanceof ObjectNode o) || !n.path("line").isTextual()) {
      return new Letter(raw, null, new PreparedItem(null, "not a dead letter (no \"line\")"));
    }
    byte[] line = o.path("line").asText().getBytes(StandardCharsets.UTF_8);
    IngestPipeline.Item item = IngestPipeline.prepare(new JournalEntry(JournalPosition.START, JournalPosition.START, line, false));
    return new Letter(raw, o, new PreparedItem(item.bulkLines, item.invalidReason));
  }

  private String relabel(Letter l, String reason) {
    if (l.node == null) {
      return l.raw; // not ours to rewrite: keep it byte for byte
    }
    ObjectNode n = l.node.deepCopy();
    n.put("at", clock.instant().toString());
    n.put("reason", reason);
    try {
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      return l.raw;
    }
  }

  private static void rewrite(Path file, List<String> kept) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(file.getFileName() + ".replay.tmp");
    StringBuilder sb = new StringBuilder();
    for (String k : kept) {
      sb.append(k).append('\n');
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
