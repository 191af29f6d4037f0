package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only days that are over (plus the settle time) and have more than one segment are merged, newest first. */
class CompactionTest {
  @Test
  void pastDaysWithSeveralSegmentsNewestFirst() {
    Map<String, Integer> segments = Map.of(
        "mailtrace-sent-2026.11.25", 7,
        "mailtrace-sent-2026.11.26", 1, // already merged
        "mailtrace-sent-2026.11.27", 4,
        "mailtrace-sent-2026.11.28", 9, // today
        "mailtrace-sent-2026.11.24", 0, // empty
        "mailtrace-sent-archive", 5,
        "mailtrace-sent-2026.11.23-restored", 5);
    assertThat(Compaction.due(segments, Instant.parse("2026-11-28T12:00:00Z")))
        .containsExactly("mailtrace-sent-2026.11.27", "mailtrace-sent-2026.11.25");
  }

  @Test
  void yesterdayWaitsForTheSettleTimeAfterMidnight() {
    Map<String, Integer> segments = Map.of("mailtrace-sent-2026.11.27", 3);
    Instant midnight = Instant.parse("2026-11-28T00:00:00Z");
    assertThat(Compaction.due(segments, midnight.plus(Compaction.SETTLE).minusSeconds(1))).isEmpty();
    assertThat(Compaction.due(segments, midnight.plus(Compaction.SETTLE))).containsExactly("mailtrace-sent-2026.11.27");
  }
}
