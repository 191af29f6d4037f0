package io.mailtrace.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Names of the Elasticsearch indices holding trace records: one index per UTC day, chosen from
 * the record's own timestamp (so a replayed record always lands in the same index, which keeps
 * {@code create} with {@code _id} idempotent), read through one alias.
 */
public final class TraceIndex {
  /** Alias every daily index joins (through the template); searches go here. */
  public static final String ALIAS = "mailtrace-sent";
  public static final String PREFIX = "mailtrace-sent-";
  public static final String TEMPLATE_NAME = "mailtrace-sent";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM");
  /**
   * Above this many index expressions a search goes to the alias instead (keeps the request
   * line far below Elasticsearch's 4 KB limit; ranges that long touch most indices anyway).
   */
  static final int MAX_TARGETS = 64;

  private TraceIndex() {}

  public static String indexFor(Instant timestamp) {
    return PREFIX + DAY.format(timestamp);
  }

  /**
   * The index expressions holding every record with {@code from <= @timestamp < to}: a whole UTC
   * month as {@code mailtrace-sent-yyyy.MM.*}, other days by name, or the alias for very long
   * ranges. Searching only these spares Elasticsearch a fan-out (and a can-match round) to
   * every daily shard, which dominates the cost of a short-range search. Comma-joined, with
   * {@code ignore_unavailable} and {@code allow_no_indices} for days without mail.
   */
  public static List<String> searchTargets(Instant from, Instant to) {
    if (!from.isBefore(to)) {
      return List.of(indexFor(from));
    }
    LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
    LocalDate last = LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC);
    List<String> out = new ArrayList<>();
    LocalDate day = first;
    while (!day.isAfter(last)) {
      YearMonth month = YearMonth.from(day);
      if (day.getDayOfMonth() == 1 && !month.atEndOfMonth().isAfter(last)) {
        out.add(PREFIX + MONTH.format(month) + ".*");
        day = month.plusMonths(1).atDay(1);
      } else {
        out.add(PREFIX + DAY.format(day.atStartOfDay(ZoneOffset.UTC)));
        day = day.plusDays(1);
      }
      if (out.size() > MAX_TARGETS) {
        return List.of(ALIAS);
      }
    }
    return out;
  }

  /** The day of a daily index name, if it is one. */
  public static Optional<LocalDate> dayOf(String indexName) {
    if (indexName == null || !indexName.startsWith(PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(indexName.substring(PREFIX.length()), DateTimeFormatter.ofPattern("yyyy.MM.dd")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The composable index template (JSON body for {@code PUT _index_template/mailtrace-sent}). */
  public static String templateJson() {
    return resource("index-template.json");
  }

  static String resource(String name) {
    try (InputStream in = TraceIndex.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
