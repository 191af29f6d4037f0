package io.mailtrace.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the Elasticsearch indices holding trace records: one index per ISO week (Monday to
 * Sunday, UTC), named {@code mailtrace-sent-YYYY-wWW} and chosen from the record's own timestamp
 * (so a replayed record always lands in the same index, which keeps {@code create} with
 * {@code _id} idempotent), read through one alias. A week rather than a day: a search pays a fixed
 * cost per shard it touches, and a 30-day search over daily indices fanned out to 30 small shards
 * (see docs/adr/0007).
 */
public final class TraceIndex {
  /** Alias every weekly index joins (through the template); searches go here. */
  public static final String ALIAS = "mailtrace-sent";
  public static final String PREFIX = "mailtrace-sent-";
  public static final String TEMPLATE_NAME = "mailtrace-sent";
  private static final Pattern WEEK_NAME = Pattern.compile("(\\d{4})-w(\\d{2})");
  /**
   * Above this many indices a search goes to the alias instead (keeps the request line far below
   * Elasticsearch's 4 KB limit; ranges that long touch most indices anyway).
   */
  static final int MAX_TARGETS = 64;

  private TraceIndex() {}

  public static String indexFor(Instant timestamp) {
    return nameOf(weekStart(LocalDate.ofInstant(timestamp, ZoneOffset.UTC)));
  }

  /**
   * The indices holding every record with {@code from <= @timestamp < to}: each week the range
   * touches, by name, or the alias for very long ranges. Searching only these spares Elasticsearch
   * a fan-out (and a can-match round) to every shard. Used with {@code ignore_unavailable} and
   * {@code allow_no_indices} for weeks without mail.
   */
  public static List<String> searchTargets(Instant from, Instant to) {
    LocalDate first = weekStart(LocalDate.ofInstant(from, ZoneOffset.UTC));
    LocalDate last = from.isBefore(to) ? weekStart(LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC)) : first;
    List<String> out = new ArrayList<>();
    for (LocalDate week = first; !week.isAfter(last); week = week.plusWeeks(1)) {
      if (out.size() == MAX_TARGETS) {
        return List.of(ALIAS);
      }
      out.add(nameOf(week));
    }
    return out;
  }

  /**
   * The first day (a Monday) of the week a trace index holds, if the name is exactly one this
   * class would produce; anything else (an alias, a restored copy, a foreign index) is empty.
   */
  public static Optional<LocalDate> weekOf(String indexName) {
    if (indexName == null || !indexName.startsWith(PREFIX)) {
      return Optional.empty();
    }
    Matcher m = WEEK_NAME.matcher(indexName.substring(PREFIX.length()));
    if (!m.matches()) {
      return Optional.empty();
    }
    int week = Integer.parseInt(m.group(2));
    if (week < 1) {
      return Optional.empty();
    }
    // The 4th of January is always in week 1 of its week-based year.
    LocalDate monday = weekStart(LocalDate.of(Integer.parseInt(m.group(1)), 1, 4)).plusWeeks(week - 1L);
    return nameOf(monday).equals(indexName) ? Optional.of(monday) : Optional.empty(); // rejects w54, w53 of short years
  }

  /** The Monday starting the ISO week of {@code day}. */
  private static LocalDate weekStart(LocalDate day) {
    return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  private static String nameOf(LocalDate monday) {
    return String.format(Locale.ROOT, "%s%04d-w%02d", PREFIX, monday.get(IsoFields.WEEK_BASED_YEAR),
        monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
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
