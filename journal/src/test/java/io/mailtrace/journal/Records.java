package io.mailtrace.journal;

import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceIds;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import java.time.Instant;
import java.util.List;

/** Test trace records. */
final class Records {
  private Records() {}

  static TraceRecord record(int n) {
    return new TraceRecord(TraceIds.next(), Instant.parse("2026-11-28T10:00:00Z").plusMillis(n), "acct" + n, "a.example",
        "alice@a.example", "alice@a.example", "subject " + n, "<" + n + "@a.example>", 1000 + n, "192.0.2.1", "helo.a.example",
        TlsInfo.NONE, TraceStatus.RELAYED, null,
        List.of(new RecipientOutcome("bob@b.example", RecipientStatus.RELAYED, "250 2.0.0 Ok", "127.0.0.1:25")), List.of(), null, "n1");
  }
}
