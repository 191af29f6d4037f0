package io.mailtrace.api.testsupport;

import io.mailtrace.model.DkimKind;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic trace records over three domains and several accounts, for search tests. */
public final class SeedData {
  public static final List<String> DOMAINS = List.of("a.example", "b.example", "c.example");
  static final String[] WORDS = {"invoice", "welcome", "reset", "password", "order", "shipped", "newsletter", "report", "weekly", "alert"};

  private SeedData() {}

  /**
   * {@code n} records with ids {@code prefix + 9 digits}, timestamps in [end - span, end), about one
   * in ten sharing the previous record's millisecond (so the id tiebreaker matters).
   */
  public static List<TraceRecord> generate(String prefix, int n, Instant end, Duration span, long seed) {
    Random rnd = new Random(seed);
    List<TraceRecord> out = new ArrayList<>(n);
    Instant prev = end.minusMillis(1);
    for (int i = 0; i < n; i++) {
      String domain = DOMAINS.get(rnd.nextInt(DOMAINS.size()));
      String account = (new String[] {"alice", "bob", "carol"})[rnd.nextInt(3)] + "@" + domain;
      Instant ts = rnd.nextInt(10) == 0 ? prev : end.minusMillis(1 + (long) (rnd.nextDouble() * (span.toMillis() - 1)));
      prev = ts;
      TraceStatus status = TraceStatus.values()[rnd.nextInt(TraceStatus.values().length)];
      List<RecipientOutcome> rcpts = new ArrayList<>();
      int nr = 1 + rnd.nextInt(3);
      for (int r = 0; r < nr; r++) {
        String addr = "user" + rnd.nextInt(20) + "@rcpt" + rnd.nextInt(3) + ".test";
        rcpts.add(new RecipientOutcome(addr, RecipientStatus.values()[rnd.nextInt(3)], "250 2.0.0 Ok: queued as X" + i, "127.0.0.1:2525"));
      }
      List<DkimSignatureInfo> dkim = new ArrayList<>();
      if (rnd.nextInt(3) == 0) {
        dkim.add(new DkimSignatureInfo(domain, "mt26010" + rnd.nextInt(2), DkimKind.CUSTOM, "rsa-sha256", "relaxed/relaxed", List.of("from", "to", "subject")));
      }
      dkim.add(new DkimSignatureInfo("mailtrace.net", "shared1", DkimKind.SHARED, "rsa-sha256", "relaxed/relaxed", List.of("from", "to", "subject")));
      String subject = WORDS[rnd.nextInt(WORDS.length)] + " " + WORDS[rnd.nextInt(WORDS.length)] + " #" + i;
      String id = prefix + String.format("%09d", i);
      out.add(new TraceRecord(id, ts, account, domain, account, "News <" + account + ">", subject, "<" + id + "@" + domain + ">",
          1000 + rnd.nextInt(50_000), "10.0." + rnd.nextInt(4) + "." + rnd.nextInt(8), "client.test",
          rnd.nextBoolean() ? new TlsInfo(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256") : TlsInfo.NONE,
          status, null, rcpts, dkim, null, "node-1"));
    }
    return out;
  }
}
