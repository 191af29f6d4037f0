package io.mailtrace.ingest;

import io.mailtrace.model.TraceIndex;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Which daily indices are past retention: judged by the date in the index name (the records'
 * own UTC day), never by creation time, and returned by exact name so deletion never uses a
 * wildcard. An index of day D is kept while D is within the last {@code days} days including today.
 */
public final class Retention {
  private Retention() {}

  public static List<String> expired(List<String> indices, LocalDate today, int days) {
    LocalDate oldestKept = today.minusDays(days - 1L);
    return indices.stream()
        .filter(name -> {
          Optional<LocalDate> day = TraceIndex.dayOf(name);
          return day.isPresent() && day.get().isBefore(oldestKept) && name.equals(TraceIndex.indexFor(day.get().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
        })
        .sorted()
        .toList();
  }
}
