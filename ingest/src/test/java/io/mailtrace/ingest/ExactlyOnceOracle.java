package io.mailtrace.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fault recipes' verdict: every record durably appended to the journal is in Elasticsearch or
 * in the dead-letter file (with a reason) exactly once, and nothing else is in either place — in
 * particular no torn or garbage journal line was indexed.
 */
final class ExactlyOnceOracle {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SAMPLE = 10;

  private ExactlyOnceOracle() {}

  /**
   * @param es the Elasticsearch holding {@code index}
   * @param index the index (or comma-separated indices) the appended records go to
   * @param appendedIds ids of every record whose append completed successfully
   * @param deadLetters the ingest's dead-letter file (may not exist: no letter)
   * @param expectedDebris journal lines that are not records (garbage a test wrote on purpose) and
   *     must each be dead-lettered exactly once; empty in most recipes
   */
  static void assertExactlyOnce(EsHttp es, String index, Collection<String> appendedIds, Path deadLetters,
      Collection<String> expectedDebris) {
    Set<String> appended = new LinkedHashSet<>(appendedIds);
    if (appended.size() != appendedIds.size()) {
      throw new AssertionError("test bug: " + (appendedIds.size() - appended.size()) + " appended ids are repeated");
    }
    Map<String, Integer> inEs = indexedIds(es, index);
    Map<String, Integer> lettered = new HashMap<>();
    List<String> debrisLeft = new ArrayList<>(expectedDebris);
    List<String> problems = new ArrayList<>();
    for (String raw : deadLetterLines(deadLetters)) {
      JsonNode letter;
      try {
        letter = JSON.readTree(raw);
      } catch (IOException e) {
        problems.add("dead-letter line is not JSON (torn letter?): " + abbreviate(raw));
        continue;
      }
      if (letter.path("reason").asText("").isBlank() || !letter.path("line").isTextual() || letter.path("position").asText("").isBlank()) {
        problems.add("dead letter without reason/position/line: " + abbreviate(raw));
        continue;
      }
      String line = letter.path("line").asText();
      String id = idOf(line);
      if (id != null && appended.contains(id)) {
        lettered.merge(id, 1, Integer::sum);
      } else if (debrisLeft.remove(line)) {
        // expected garbage, dead-lettered once
      } else {
        problems.add("dead letter for something never appended (reason: " + letter.path("reason").asText() + "): " + abbreviate(line));
      }
    }
    if (!debrisLeft.isEmpty()) {
      problems.add(debrisLeft.size() + " garbage journal lines were neither dead-lettered nor quarantined, e.g. " + abbreviate(debrisLeft.get(0)));
    }
    List<String> lost = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    for (String id : appended) {
      int n = inEs.getOrDefault(id, 0) + lettered.getOrDefault(id, 0);
      if (n == 0) {
        lost.add(id);
      } else if (n > 1) {
        twice.add(id + " (indexed " + inEs.getOrDefault(id, 0) + "x, dead-lettered " + lettered.getOrDefault(id, 0) + "x)");
      }
    }
    List<String> foreign = inEs.keySet().stream().filter(id -> !appended.contains(id)).toList();
    if (!lost.isEmpty()) {
      problems.add(lost.size() + " of " + appended.size() + " appended records are neither in " + index
          + " nor dead-lettered (lost), e.g. " + lost.subList(0, Math.min(SAMPLE, lost.size())));
    }
    if (!twice.isEmpty()) {
      problems.add(twice.size() + " records are there more than once, e.g. " + twice.subList(0, Math.min(SAMPLE, twice.size())));
    }
    if (!foreign.isEmpty()) {
      problems.add(foreign.size() + " documents in " + index + " were never appended (torn/garbage/foreign), e.g. "
          + foreign.subList(0, Math.min(SAMPLE, foreign.size())));
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("exactly-once violated (" + appended.size() + " appended, " + inEs.size() + " indexed, "
          + lettered.size() + " dead-lettered):\n  - " + String.join("\n  - ", problems));
    }
  }

  static void assertExactlyOnce(EsHttp es, String index, Collection<String> appendedIds, Path deadLetters) {
    assertExactlyOnce(es, index, appendedIds, deadLetters, List.of());
  }

  private static List<String> deadLetterLines(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (!text.isEmpty() && !text.endsWith("\n")) {
        throw new AssertionError("dead-letter file " + file + " ends in a torn letter: " + abbreviate(text.substring(text.lastIndexOf('\n') + 1)));
      }
      return text.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  private static String idOf(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.path("id").isTextual() ? n.path("id").asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Every _id in the index with how often it occurs (a scroll over all of them). */
  private static Map<String, Integer> indexedIds(EsHttp es, String index) {
    es.send("POST", "/" + index + "/_refresh", null);
    Map<String, Integer> ids = new HashMap<>();
    EsHttp.Reply r = es.send("POST", "/" + index + "/_search?scroll=1m", "{\"size\":5000,\"_source\":false,\"track_total_hits\":true,\"sort\":[\"_doc\"]}");
    if (r.status() == 404) {
      return ids;
    }
    long total = -1;
    while (true) {
      if (r.status() != 200) {
        throw new AssertionError("listing the ids in " + index + ": HTTP " + r.status() + " " + abbreviate(r.body()));
      }
      JsonNode body = r.json();
      if (total < 0) {
        total = body.path("hits").path("total").path("value").asLong();
      }
      JsonNode hits = body.path("hits").path("hits");
      if (hits.isEmpty()) {
        es.send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + body.path("_scroll_id").asText() + "\"}");
        break;
      }
      for (JsonNode h : hits) {
        ids.merge(h.path("_id").asText(), 1, Integer::sum);
      }
      r = es.send("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + body.path("_scroll_id").asText() + "\"}");
    }
    int seen = ids.values().stream().mapToInt(Integer::intValue).sum();
    if (seen != total) {
      throw new AssertionError("scrolled " + seen + " hits of " + total + " in " + index);
    }
    return ids;
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
