package io.mailtrace.ingest;

import io.mailtrace.model.TraceIndex;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Which weekly indices are past retention: judged by the week in the index name (the records' own
 * UTC week), never by creation time, and returned by exact name so deletion never uses a wildcard.
 * A week's index goes once its last day (Sunday) is older than the last {@code days} days including
 * today, so every record is kept at least {@code days} days and at most six days longer.
 */
public final class Retention {
  private Retention() {}

  public static List<String> expired(List<String> indices, LocalDate today, int days) {
    LocalDate oldestKept = today.minusDays(days - 1L);
    return indices.stream()
        .filter(name -> {
          Optional<LocalDate> week = TraceIndex.weekOf(name);
          return week.isPresent() && week.get().plusDays(6).isBefore(oldestKept);
        })
        .sorted()
        .toList();
  }
}
