package io.mailtrace.api.search;

import java.time.Duration;
import java.util.List;

/** Picks the histogram interval for a stats range: the finest that gives at most {@link #MAX_BUCKETS} buckets. */
public final class StatsIntervals {
  public static final int MAX_BUCKETS = 200;
  static final List<Duration> STEPS = List.of(
      Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
      Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12),
      Duration.ofDays(1), Duration.ofDays(7));

  private StatsIntervals() {}

  public static Duration forRange(Duration range) {
    for (Duration step : STEPS) {
      if (range.toMillis() / step.toMillis() <= MAX_BUCKETS) {
        return step;
      }
    }
    return STEPS.get(STEPS.size() - 1);
  }

  /** A label such as {@code 5m}, {@code 1h}, {@code 1d}. */
  public static String label(Duration d) {
    long s = d.toSeconds();
    if (s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s / 60 + "m";
  }
}
