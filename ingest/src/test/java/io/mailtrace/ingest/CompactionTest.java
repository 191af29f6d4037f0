package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only weeks that are over (plus the settle time) and have more than one segment are merged, newest first. */
class CompactionTest {
  @Test
  void pastWeeksWithSeveralSegmentsNewestFirst() {
    Map<String, Integer> segments = Map.of(
        "mailtrace-sent-2026-w45", 7,
        "mailtrace-sent-2026-w46", 1, // already merged
        "mailtrace-sent-2026-w47", 4,
        "mailtrace-sent-2026-w48", 9, // this week (Monday 23 to Sunday 29 November)
        "mailtrace-sent-2026-w44", 0, // empty
        "mailtrace-sent-archive", 5,
        "mailtrace-sent-2026.11.16", 5, // not a name this version writes
        "mailtrace-sent-2026-w43-restored", 5);
    assertThat(Compaction.due(segments, Instant.parse("2026-11-28T12:00:00Z")))
        .containsExactly("mailtrace-sent-2026-w47", "mailtrace-sent-2026-w45");
  }

  @Test
  void lastWeekWaitsForTheSettleTimeAfterSundayMidnight() {
    Map<String, Integer> segments = Map.of("mailtrace-sent-2026-w48", 3);
    Instant mondayMidnight = Instant.parse("2026-11-30T00:00:00Z");
    assertThat(Compaction.due(segments, mondayMidnight.plus(Compaction.SETTLE).minusSeconds(1))).isEmpty();
    assertThat(Compaction.due(segments, mondayMidnight.plus(Compaction.SETTLE))).containsExactly("mailtrace-sent-2026-w48");
  }
}
