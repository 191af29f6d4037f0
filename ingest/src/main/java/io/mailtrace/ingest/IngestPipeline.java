package io.mailtrace.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.mailtrace.journal.JournalCheckpoint;
import io.mailtrace.journal.JournalEntry;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.journal.JournalReader;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships journal records into Elasticsearch: read → batch → {@code _bulk create} → classify each
 * item ({@link BulkItemPolicy}) → retry / dead-letter → checkpoint over the contiguous prefix of
 * resolved records → delete fully acknowledged segments.
 *
 * <p>Threading: every field is owned by the event loop of the context that called {@link #start};
 * journal reads, JSON parsing, dead-letter writes and checkpoint writes run on a worker executor.
 * Up to {@code maxInFlightBatches} bulk requests are outstanding at once; a record is resolved when
 * created, duplicate (409) or dead-lettered, and the checkpoint never passes an unresolved one.
 */
final class IngestPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectReader RECORD_READER =
      TraceJson.mapper().readerFor(TraceRecord.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Vertx vertx;
  private final IngestConfig config;
  private final TraceStore store;
  private final JournalReader reader;
  private final JournalCheckpoint checkpoint;
  private final DeadLetterFile deadLetters;
  private final Backoff backoff;
  private final IngestMetrics metrics;
  private final WorkerExecutor worker;
  private final java.time.Clock clock;

  private JournalPosition readPos = JournalPosition.START;
  private JournalPosition acked = JournalPosition.START;
  private JournalPosition committed = JournalPosition.START;
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
  private List<Item> forming = new ArrayList<>();
  private long formingBytes;
  private long formingSinceMillis = -1;
  private boolean reading;
  private boolean pumpScheduled;
  private boolean writingCheckpoint;
  private boolean stopped;
  private Promise<Void> stopPromise;
  private final Set<Long> timers = new HashSet<>();
  private double meanLineBytes = 1024;
  private String lastBlockReason;
  /** Bulk requests sent so far, and the number of the latest one answered with a block. */
  private long sentBulks;
  private long lastBlockedSend;

  /** One journal line prepared for a bulk request (or already known to be bad). */
  static final class Item {
    final JournalEntry entry;
    final String invalidReason;
    final byte[] bulkLines;
    boolean resolved;

    Item(JournalEntry entry, String invalidReason, byte[] bulkLines) {
      this.entry = entry;
      this.invalidReason = invalidReason;
      this.bulkLines = bulkLines;
    }
  }

  /** Records read together; resolved records are counted from the front for the checkpoint. */
  static final class Batch {
    final List<Item> items;
    int firstUnresolved;

    Batch(List<Item> items) {
      this.items = items;
    }
  }

  private record Prepared(List<Item> items, long lagBytes, long unreadBytes) {}

  IngestPipeline(Vertx vertx, IngestConfig config, TraceStore store, JournalReader reader, JournalCheckpoint checkpoint,
      DeadLetterFile deadLetters, Backoff backoff, IngestMetrics metrics, WorkerExecutor worker, java.time.Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.reader = reader;
    this.checkpoint = checkpoint;
    this.deadLetters = deadLetters;
    this.backoff = backoff;
    this.metrics = metrics;
    this.worker = worker;
    this.clock = clock;
  }

  /** Loads the checkpoint and starts shipping from it. Call on the owning event loop. */
  Future<JournalPosition> start() {
    return worker.executeBlocking(() -> checkpoint.load().orElse(JournalPosition.START), false)
        .onSuccess(p -> {
          readPos = p;
          acked = p;
          committed = p;
          LOG.info("ingest: starting from journal position {}", p);
          pump();
        });
  }

  /** The durably checkpointed position (for tests and metrics). */
  JournalPosition committed() {
    return committed;
  }

  // ---- reading and batching ----

  private void pump() {
    if (stopped || reading || inFlight.size() >= config.maxInFlightBatches()) {
      return;
    }
    reading = true;
    int wantRecords = config.batchMaxRecords() - forming.size();
    long wantBytes = Math.max(1, config.batchMaxBytes() - formingBytes);
    JournalPosition from = readPos;
    JournalPosition ackedNow = acked;
    worker.executeBlocking(() -> readAndPrepare(from, ackedNow, wantRecords, wantBytes), false)
        .onComplete(ar -> {
          reading = false;
          if (ar.failed()) {
            LOG.error("ingest: reading the journal at {} failed: {}", from, ar.cause().toString());
            schedulePump(config.pollInterval().toMillis() * 10);
          } else {
            onRead(ar.result());
          }
        });
  }

  private Prepared readAndPrepare(JournalPosition from, JournalPosition ackedNow, int maxRecords, long maxBytes) throws IOException {
    List<JournalEntry> entries = reader.read(from, maxRecords, maxBytes);
    List<Item> items = new ArrayList<>(entries.size());
    for (JournalEntry e : entries) {
      items.add(prepare(e));
    }
    JournalPosition end = entries.isEmpty() ? from : entries.get(entries.size() - 1).next();
    return new Prepared(items, reader.bytesAfter(ackedNow), reader.bytesAfter(end));
  }

  /** Parses and validates a line and builds its bulk action; runs on a worker. */
  static Item prepare(JournalEntry e) {
    if (e.torn()) {
      return new Item(e, "torn journal line: unterminated bytes at the end of a closed segment", null);
    }
    TraceRecord record;
    try {
      record = RECORD_READER.readValue(e.line());
    } catch (IOException | RuntimeException ex) {
      String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse(ex.toString());
      return new Item(e, "not a valid trace record: " + msg, null);
    }
    String action;
    try {
      action = "{\"create\":{\"_index\":" + JSON.writeValueAsString(TraceIndex.indexFor(record.timestamp()))
          + ",\"_id\":" + JSON.writeValueAsString(record.id()) + "}}\n";
    } catch (JsonProcessingException ex) {
      return new Item(e, "cannot build the bulk action: " + ex.getMessage(), null);
    }
    byte[] a = action.getBytes(StandardCharsets.UTF_8);
    byte[] bulk = new byte[a.length + e.line().length + 1];
    System.arraycopy(a, 0, bulk, 0, a.length);
    System.arraycopy(e.line(), 0, bulk, a.length, e.line().length);
    bulk[bulk.length - 1] = '\n';
    return new Item(e, null, bulk);
  }

  private void onRead(Prepared p) {
    if (stopped) {
      return;
    }
    long unresolved = forming.size() + p.items.size();
    for (Batch b : inFlight) {
      unresolved += b.items.size() - b.firstUnresolved;
    }
    for (Item item : p.items) {
      meanLineBytes = meanLineBytes * 0.99 + (item.entry.line().length + 1) * 0.01;
    }
    metrics.lagBytes.set(p.lagBytes);
    metrics.lagRecords.set(unresolved + Math.round(p.unreadBytes / Math.max(1.0, meanLineBytes)));
    long now = clock.millis();
    if (!p.items.isEmpty()) {
      forming.addAll(p.items);
      for (Item item : p.items) {
        formingBytes += item.entry.line().length + 1;
      }
      readPos = p.items.get(p.items.size() - 1).entry.next();
      if (formingSinceMillis < 0) {
        formingSinceMillis = now;
      }
    }
    boolean full = forming.size() >= config.batchMaxRecords() || formingBytes >= config.batchMaxBytes();
    boolean lingered = !forming.isEmpty() && now - formingSinceMillis >= config.linger().toMillis();
    if (full || lingered) {
      List<Item> items = forming;
      forming = new ArrayList<>();
      formingBytes = 0;
      formingSinceMillis = -1;
      dispatch(items);
      pump();
    } else if (!forming.isEmpty()) {
      long left = config.linger().toMillis() - (now - formingSinceMillis);
      schedulePump(Math.max(1, Math.min(left, config.pollInterval().toMillis())));
    } else {
      schedulePump(config.pollInterval().toMillis());
    }
  }

  private void schedulePump(long delayMillis) {
    if (pumpScheduled || stopped) {
      return;
    }
    pumpScheduled = true;
    setTimer(Math.max(1, delayMillis), () -> {
      pumpScheduled = false;
      pump();
    });
  }

  private void setTimer(long delay, Runnable action) {
    long[] id = new long[1];
    id[0] = vertx.setTimer(delay, t -> {
      timers.remove(id[0]);
      action.run();
    });
    timers.add(id[0]);
  }

  // ---- sending and classifying ----

  private void dispatch(List<Item> items) {
    Batch batch = new Batch(items);
    inFlight.add(batch);
    List<Item> bad = new ArrayList<>();
    List<DeadLetterFile.Letter> letters = new ArrayList<>();
    List<Item> good = new ArrayList<>(items.size());
    for (Item item : items) {
      if (item.invalidReason != null) {
        bad.add(item);
        letters.add(new DeadLetterFile.Letter(item.entry, item.invalidReason));
      } else {
        good.add(item);
      }
    }
    if (!bad.isEmpty()) {
      deadLetter(bad, letters, 0);
    }
    if (!good.isEmpty()) {
      send(good, 0);
    }
  }

  private void send(List<Item> items, int attempt) {
    if (stopped) {
      return;
    }
    int size = 0;
    for (Item i : items) {
      size += i.bulkLines.length;
    }
    Buffer body = Buffer.buffer(size);
    for (Item i : items) {
      body.appendBytes(i.bulkLines);
    }
    long sent = ++sentBulks;
    store.bulk(body, items.size()).onComplete(ar -> {
      if (ar.failed()) {
        metrics.batchRetries.increment();
        if (attempt % 10 == 0) {
          LOG.warn("ingest: bulk request of {} records failed ({}); retrying (attempt {})", items.size(), ar.cause().toString(), attempt + 1);
        }
        retryLater(items, attempt);
      } else {
        onBulkResponse(items, attempt, ar.result(), sent);
      }
    });
  }

  /** {@code sent}: the number of the request this answers (see {@link #sentBulks}). */
  private void onBulkResponse(List<Item> items, int attempt, TraceStore.BulkResponse response, long sent) {
    int status = response.status();
    if (status == 413 || status == 400) {
      // Too large, or a body Elasticsearch could not parse as a whole: halve until the culprit is alone.
      if (items.size() == 1) {
        deadLetterItems(items, "bulk request refused as a whole: HTTP " + status + " " + abbreviate(response.body()));
      } else {
        int half = items.size() / 2;
        send(new ArrayList<>(items.subList(0, half)), 0);
        send(new ArrayList<>(items.subList(half, items.size())), 0);
      }
      return;
    }
    if (status < 200 || status >= 300) {
      if (isBlock(response.body())) {
        noteBlocked(items.size(), abbreviate(response.body()), attempt, sent);
      }
      metrics.batchRetries.increment();
      if (attempt % 10 == 0) {
        LOG.warn("ingest: bulk request of {} records answered HTTP {}; retrying (attempt {}): {}", items.size(), status, attempt + 1, abbreviate(response.body()));
      }
      retryLater(items, attempt);
      return;
    }
    List<Item> retry = new ArrayList<>();
    List<Item> dead = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    int blockedItems = 0;
    String blockReason = null;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      TraceStore.ItemResult r = response.items().get(i);
      if (isBlock(r.errorType())) {
        blockedItems++;
        blockReason = r.errorReason();
      }
      switch (BulkItemPolicy.classify(r.status(), r.errorType())) {
        case CREATED -> {
          metrics.indexed.increment();
          item.resolved = true;
        }
        case DUPLICATE -> {
          metrics.duplicates.increment();
          item.resolved = true;
        }
        case RETRY -> retry.add(item);
        case DEAD_LETTER -> {
          dead.add(item);
          reasons.add("HTTP " + r.status() + " " + r.errorType() + ": " + r.errorReason());
        }
      }
    }
    if (!dead.isEmpty()) {
      List<DeadLetterFile.Letter> letters = new ArrayList<>();
      for (int i = 0; i < dead.size(); i++) {
        letters.add(new DeadLetterFile.Letter(dead.get(i).entry, reasons.get(i)));
      }
      deadLetter(dead, letters, 0);
    }
    if (blockedItems > 0) {
      noteBlocked(blockedItems, blockReason, attempt, sent);
    } else if (retry.size() < items.size() && sent > lastBlockedSend && metrics.blocked.getAndSet(0) != 0) {
      // only a request sent after the last blocked one proves the block lifted: with several
      // bulks in flight, one sent before the block may be answered (created) after it
      LOG.info("ingest: Elasticsearch accepts writes again (block lifted); the held records are being indexed");
    }
    if (!retry.isEmpty()) {
      metrics.itemRetries.increment(retry.size());
      retryLater(retry, attempt);
    }
    advance();
  }

  private static boolean isBlock(String errorTypeOrBody) {
    return errorTypeOrBody != null && errorTypeOrBody.contains("cluster_block_exception");
  }

  /**
   * A write block (index.blocks.write, read_only_allow_delete after the flood-stage watermark) is
   * an operator problem that retrying alone never ends: alert loudly, hold and retry the records.
   */
  private void noteBlocked(int count, String reason, int attempt, long sent) {
    lastBlockedSend = Math.max(lastBlockedSend, sent);
    boolean news = metrics.blocked.getAndSet(1) == 0 || !java.util.Objects.equals(reason, lastBlockReason);
    lastBlockReason = reason;
    if (news || attempt % 10 == 0) {
      LOG.warn("ingest: Elasticsearch refuses writes with a block (cluster_block_exception: {}); {} records held and retried"
          + " (attempt {}), none dropped; lift the block (e.g. PUT <index>/_settings {\"index.blocks.write\":null,"
          + "\"index.blocks.read_only_allow_delete\":null} after freeing disk)", reason, count, attempt + 1);
    }
  }

  private void retryLater(List<Item> items, int attempt) {
    setTimer(backoff.delayMillis(attempt), () -> send(items, attempt + 1));
  }

  private void deadLetterItems(List<Item> items, String reason) {
    List<DeadLetterFile.Letter> letters = items.stream().map(i -> new DeadLetterFile.Letter(i.entry, reason)).toList();
    deadLetter(items, letters, 0);
  }

  /** Writes letters durably, then resolves their items; a failed write is retried, never skipped. */
  private void deadLetter(List<Item> items, List<DeadLetterFile.Letter> letters, int attempt) {
    worker.executeBlocking(() -> {
      deadLetters.append(letters);
      return null;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("ingest: writing {} dead letters to {} failed ({}); retrying", letters.size(), deadLetters.file(), ar.cause().toString());
        setTimer(backoff.delayMillis(attempt), () -> deadLetter(items, letters, attempt + 1));
        return;
      }
      for (DeadLetterFile.Letter l : letters) {
        LOG.warn("ingest: dead-lettered journal record at {}: {}", l.entry().position(), l.reason());
      }
      metrics.deadLettered.increment(letters.size());
      for (Item i : items) {
        i.resolved = true;
      }
      advance();
    });
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  // ---- checkpoint ----

  private void advance() {
    JournalPosition newAck = acked;
    while (!inFlight.isEmpty()) {
      Batch head = inFlight.peek();
      while (head.firstUnresolved < head.items.size() && head.items.get(head.firstUnresolved).resolved) {
        newAck = head.items.get(head.firstUnresolved).entry.next();
        head.firstUnresolved++;
      }
      if (head.firstUnresolved < head.items.size()) {
        break;
      }
      inFlight.poll();
    }
    if (newAck.compareTo(acked) > 0) {
      acked = newAck;
      writeCheckpoint();
    }
    pump();
  }

  private void writeCheckpoint() {
    if (writingCheckpoint || acked.compareTo(committed) <= 0) {
      maybeFinishStop();
      return;
    }
    writingCheckpoint = true;
    JournalPosition target = acked;
    worker.executeBlocking(() -> {
      checkpoint.store(target);
      reader.deleteAcknowledged(target);
      return null;
    }, false).onComplete(ar -> {
      writingCheckpoint = false;
      if (ar.failed()) {
        LOG.error("ingest: writing the checkpoint {} failed: {}", target, ar.cause().toString());
        if (!stopped) {
          setTimer(backoff.delayMillis(3), this::writeCheckpoint);
        } else {
          maybeFinishStop();
        }
        return;
      }
      committed = target;
      writeCheckpoint();
    });
  }

  /** Stops reading and sending; completes once the acknowledged position is checkpointed. */
  Future<Void> stop() {
    stopped = true;
    for (long t : timers) {
      vertx.cancelTimer(t);
    }
    timers.clear();
    stopPromise = Promise.promise();
    writeCheckpoint();
    return stopPromise.future();
  }

  private void maybeFinishStop() {
    if (stopped && stopPromise != null && !writingCheckpoint) {
      stopPromise.tryComplete();
    }
  }
}
