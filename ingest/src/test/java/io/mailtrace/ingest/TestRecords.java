package io.mailtrace.ingest;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceIds;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Trace records for tests, all on one UTC day (so in one week) so each test can count its own weekly index. */
final class TestRecords {
  private static final TraceIds IDS = new TraceIds(new SecureRandom());

  private TestRecords() {}

  static TraceRecord record(Instant day, int n) {
    return withIp(day, n, "192.0.2." + (n % 250 + 1));
  }

  static TraceRecord withIp(Instant day, int n, String ip) {
    Instant at = day.plusMillis(n % 86_000_000L);
    return new TraceRecord(IDS.nextId(at.toEpochMilli()), at, "acct-" + (n % 17), "a.example",
        "alice@a.example", "Alice <alice@a.example>", "Invoice " + n, "<" + n + "." + System.nanoTime() + "@a.example>",
        2048 + n, ip, "mx.a.example", new TlsInfo(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256"), TraceStatus.RELAYED, null,
        List.of(new RecipientOutcome("bob" + n + "@b.example", RecipientStatus.RELAYED, "250 2.0.0 Ok: queued as " + n, "127.0.0.1:2525")),
        List.of(), null, "node-1");
  }

  /** Appends {@code count} records (concurrently, as signer instances would) and waits for all. */
  static List<TraceRecord> append(FileJournal journal, Instant day, int from, int count) {
    List<TraceRecord> records = new ArrayList<>(count);
    List<Future<Void>> pending = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      TraceRecord r = record(day, i);
      records.add(r);
      pending.add(journal.append(r));
    }
    Await.result(Future.all(pending));
    return records;
  }
}
