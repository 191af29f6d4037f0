package io.mailtrace.app.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtrace.app.faults.Submission.Outcome;
import io.mailtrace.journal.JournalCheckpoint;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.journal.JournalReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The one check every fault recipe ends with. Once the ingest lag is zero (its checkpoint is at the
 * end of the journal), every message that got the final 250 has exactly one trace record, in
 * Elasticsearch or in the dead-letter file, and it is the record the 250 named; no delivered
 * (relayed/partial) record exists for a message that got a definite 4xx/5xx or never had its final
 * dot sent; no record exists for a Message-ID the client never used; and every indexed document is a
 * whole record (no torn line reached Elasticsearch).
 *
 * <p>Messages whose connection died after the final dot without a reply ({@link Outcome#NO_ANSWER})
 * may have at most one record of any status: SMTP cannot tell the client whether the server
 * finished the transaction (RFC 5321 §4.1.1.4 — the reply is the only acknowledgement, and it was
 * lost), so the signer may have relayed and journaled it just before it died, or not at all. A real
 * client retries such a message later, which is why the promise is made for 250s only.
 */
public final class TraceOracle {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DELIVERED = Set.of("relayed", "partial");
  private static final int SHOW = 5;

  private final EsClient es;
  private final JournalConfig journal;
  private final Path deadLetters;
  private final String tag;

  TraceOracle(String esUrl, Path journalDir, Path deadLetters, String tag) {
    this.es = new EsClient(esUrl);
    this.journal = JournalConfig.defaults(journalDir);
    this.deadLetters = deadLetters;
    this.tag = tag;
  }

  /** One stored record: where it is, its id, status and reason. */
  public record Found(String where, String traceId, String status, String reason, boolean whole) {}

  /** The counts of one check and what was wrong (empty problems = the promise held). */
  public record Verdict(long sent, long accepted, long refused, long noAnswer, long aborted, long indexed,
      long deadLettered, long duplicates, long lost, List<String> problems, Map<String, List<Found>> records) {
    public boolean holds() {
      return problems.isEmpty();
    }

    public String summary() {
      return "messages sent " + sent + ", 250s " + accepted + ", refused " + refused + ", no answer " + noAnswer
          + ", aborted " + aborted + ", records indexed " + indexed + ", duplicates " + duplicates
          + ", dead-lettered " + deadLettered + ", lost " + lost;
    }

    /** Fails with every problem and the counts. */
    public Verdict assertHolds() {
      if (!holds()) {
        throw new AssertionError("the exactly-once promise does not hold (" + summary() + "):\n  - "
            + String.join("\n  - ", problems));
      }
      return this;
    }
  }

  /** Waits (up to {@code lagTimeout}) until the ingest lag is zero, then checks every submission. */
  public Verdict check(Map<String, Submission> submissions, Duration lagTimeout, BooleanSupplier ingestAlive) throws Exception {
    Poll.until(lagTimeout, "ingest lag zero (checkpoint at the journal end)", () -> {
      if (!ingestAlive.getAsBoolean()) {
        throw new AssertionError("the ingest process is not running");
      }
      return lagIsZero();
    });
    es.refresh();
    Map<String, List<Found>> byMessage = new HashMap<>();
    long indexed = 0;
    List<String> torn = new ArrayList<>();
    for (JsonNode hit : es.documentsOfRun(tag)) {
      indexed++;
      JsonNode src = hit.path("_source");
      String id = src.path("id").asText(null);
      boolean whole = id != null && id.equals(hit.path("_id").asText()) && src.hasNonNull("@timestamp")
          && src.hasNonNull("status") && src.hasNonNull("message_id") && src.hasNonNull("node");
      if (!whole) {
        torn.add(hit.path("_id").asText());
      }
      byMessage.computeIfAbsent(bare(src.path("message_id").asText("")), k -> new ArrayList<>())
          .add(new Found("elasticsearch", id, src.path("status").asText(null), src.path("status_reason").asText(null), whole));
    }
    long deadLettered = 0;
    if (Files.exists(deadLetters)) {
      for (String line : Files.readAllLines(deadLetters, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode rec;
        try {
          rec = JSON.readTree(JSON.readTree(line).path("line").asText());
        } catch (IOException e) {
          continue; // a torn journal line set aside: not a record of any message
        }
        String mid = bare(rec.path("message_id").asText(""));
        if (!mid.startsWith(tag + ".")) {
          continue;
        }
        deadLettered++;
        byMessage.computeIfAbsent(mid, k -> new ArrayList<>())
            .add(new Found("dead-letter", rec.path("id").asText(null), rec.path("status").asText(null),
                rec.path("status_reason").asText(null), true));
      }
    }

    List<String> lost = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    List<String> wrongRecord = new ArrayList<>();
    List<String> deliveredAfterRefusal = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    long dupCount = 0;
    for (Map.Entry<String, List<Found>> e : byMessage.entrySet()) {
      if (e.getValue().size() > 1) {
        dupCount++;
        duplicated.add(e.getKey() + " x" + e.getValue().size());
      }
      if (!submissions.containsKey(e.getKey())) {
        unknown.add(e.getKey());
      }
    }
    for (Submission s : submissions.values()) {
      List<Found> found = byMessage.getOrDefault(s.messageId(), List.of());
      switch (s.outcome()) {
        case ACCEPTED -> {
          if (found.isEmpty()) {
            lost.add(s.messageId() + " (" + s.reply() + ")");
          } else if (found.size() == 1 && (!DELIVERED.contains(found.get(0).status())
              || s.traceId() != null && !s.traceId().equals(found.get(0).traceId()))) {
            wrongRecord.add(s.messageId() + ": 250 named " + s.traceId() + ", stored " + found.get(0));
          }
        }
        case REFUSED, ABORTED -> {
          if (found.stream().anyMatch(f -> DELIVERED.contains(f.status()))) {
            deliveredAfterRefusal.add(s.messageId() + " (client saw " + s.reply() + ", stored " + found + ")");
          }
        }
        case NO_ANSWER -> { /* at most one record of any status: checked with the duplicates */ }
      }
    }
    List<String> problems = new ArrayList<>();
    report(problems, "250'd messages with no record in Elasticsearch or the dead-letter file (lost)", lost);
    report(problems, "messages with more than one record (duplicates)", duplicated);
    report(problems, "250'd messages whose record is not the delivered record the 250 named", wrongRecord);
    report(problems, "delivered records for messages the client saw refused or never finished", deliveredAfterRefusal);
    report(problems, "records of Message-IDs the client never sent", unknown);
    report(problems, "indexed documents that are not whole records (torn)", torn);
    return new Verdict(submissions.size(), count(submissions, Outcome.ACCEPTED), count(submissions, Outcome.REFUSED),
        count(submissions, Outcome.NO_ANSWER), count(submissions, Outcome.ABORTED), indexed, deadLettered, dupCount,
        lost.size(), problems, byMessage);
  }

  private static long count(Map<String, Submission> s, Outcome o) {
    return s.values().stream().filter(x -> x.outcome() == o).count();
  }

  private static void report(List<String> problems, String what, List<String> offenders) {
    if (!offenders.isEmpty()) {
      problems.add(offenders.size() + " " + what + ", first: " + offenders.subList(0, Math.min(SHOW, offenders.size())));
    }
  }

  private static String bare(String messageId) {
    String s = messageId.strip();
    return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
  }

  /** True when nothing readable lies after the ingest checkpoint. */
  boolean lagIsZero() throws IOException {
    JournalPosition at = new JournalCheckpoint(journal.checkpointFile()).load().orElse(JournalPosition.START);
    try (JournalReader r = new JournalReader(journal)) {
      return r.read(at, 1, 1L << 20).isEmpty();
    }
  }
}
