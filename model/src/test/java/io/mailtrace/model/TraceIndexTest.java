package io.mailtrace.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TraceIndexTest {
  private static Instant t(String s) {
    return Instant.parse(s);
  }

  @Test
  void aRecordGoesToTheIsoWeekOfItsOwnUtcTimestamp() {
    assertThat(TraceIndex.indexFor(t("2026-11-23T00:00:00Z"))).isEqualTo("mailtrace-sent-2026-w48"); // Monday
    assertThat(TraceIndex.indexFor(t("2026-11-29T23:59:59.999Z"))).isEqualTo("mailtrace-sent-2026-w48"); // Sunday
    assertThat(TraceIndex.indexFor(t("2026-11-30T00:00:00Z"))).isEqualTo("mailtrace-sent-2026-w49");
    // ISO week-based years: 1 Jan 2027 (a Friday) is in 2026's week 53, 29 Dec 2025 in 2026's week 1.
    assertThat(TraceIndex.indexFor(t("2027-01-01T12:00:00Z"))).isEqualTo("mailtrace-sent-2026-w53");
    assertThat(TraceIndex.indexFor(t("2025-12-29T12:00:00Z"))).isEqualTo("mailtrace-sent-2026-w01");
  }

  @Test
  void weekOfReadsBackOnlyNamesThisClassWrites() {
    assertThat(TraceIndex.weekOf("mailtrace-sent-2026-w48")).contains(LocalDate.parse("2026-11-23"));
    assertThat(TraceIndex.weekOf("mailtrace-sent-2026-w01")).contains(LocalDate.parse("2025-12-29"));
    assertThat(TraceIndex.weekOf("mailtrace-sent-2026-w53")).contains(LocalDate.parse("2026-12-28"));
    for (String other : List.of("mailtrace-sent-2025-w53", "mailtrace-sent-2026-w00", "mailtrace-sent-2026-w54",
        "mailtrace-sent-2026-w5", "mailtrace-sent-2026.11.28", "mailtrace-sent-2026-w48-restored", "mailtrace-sent",
        "other-2026-w48")) {
      assertThat(TraceIndex.weekOf(other)).as(other).isEmpty();
    }
  }

  @Test
  void aDayRangeTargetsTheWeeksItTouches() {
    assertThat(TraceIndex.searchTargets(t("2026-11-27T10:15:00Z"), t("2026-11-28T10:15:00Z")))
        .containsExactly("mailtrace-sent-2026-w48");
    assertThat(TraceIndex.searchTargets(t("2026-11-29T10:15:00Z"), t("2026-11-30T10:15:00Z")))
        .containsExactly("mailtrace-sent-2026-w48", "mailtrace-sent-2026-w49");
  }

  @Test
  void thirtyDaysTouchAtMostSixIndices() {
    assertThat(TraceIndex.searchTargets(t("2026-11-01T00:00:00Z"), t("2026-12-01T00:00:00Z")))
        .containsExactly("mailtrace-sent-2026-w44", "mailtrace-sent-2026-w45", "mailtrace-sent-2026-w46",
            "mailtrace-sent-2026-w47", "mailtrace-sent-2026-w48", "mailtrace-sent-2026-w49");
  }

  @Test
  void theEndIsExclusive() {
    assertThat(TraceIndex.searchTargets(t("2026-11-23T00:00:00Z"), t("2026-11-30T00:00:00Z")))
        .containsExactly("mailtrace-sent-2026-w48");
  }

  @Test
  void veryLongRangesUseTheAlias() {
    assertThat(TraceIndex.searchTargets(t("2010-01-01T00:00:00Z"), t("2026-01-01T00:00:00Z")))
        .containsExactly(TraceIndex.ALIAS);
  }

  @Test
  void anEmptyRangeStillNamesAValidTarget() {
    assertThat(TraceIndex.searchTargets(t("2026-11-28T00:00:00Z"), t("2026-11-28T00:00:00Z")))
        .containsExactly("mailtrace-sent-2026-w48");
  }

  /** Whatever the range, every instant inside it is stored in an index the targets cover. */
  @Test
  void targetsCoverEveryInstantOfRandomRanges() {
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      Instant from = t("2024-01-01T00:00:00Z").plusSeconds(rnd.nextInt(3 * 365 * 86400));
      Instant to = from.plusSeconds(1 + rnd.nextInt(rnd.nextBoolean() ? 3 * 86400 : 600 * 86400));
      List<String> targets = TraceIndex.searchTargets(from, to);
      assertThat(targets.size()).isLessThanOrEqualTo(TraceIndex.MAX_TARGETS);
      for (Instant at = from; at.isBefore(to); at = at.plusSeconds(3600 * 7)) {
        assertThat(covers(targets, TraceIndex.indexFor(at))).as("%s..%s: %s covers %s", from, to, targets, at).isTrue();
      }
      assertThat(covers(targets, TraceIndex.indexFor(to.minusNanos(1)))).isTrue();
      // and no week outside the range is named
      for (String x : targets) {
        if (!x.equals(TraceIndex.ALIAS)) {
          LocalDate monday = TraceIndex.weekOf(x).orElseThrow();
          assertThat(monday.plusDays(6)).isAfterOrEqualTo(LocalDate.ofInstant(from, ZoneOffset.UTC));
          assertThat(monday).isBeforeOrEqualTo(LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC));
        }
      }
    }
  }

  private static boolean covers(List<String> targets, String index) {
    return targets.stream().anyMatch(x -> x.equals(TraceIndex.ALIAS) && index.startsWith(TraceIndex.PREFIX) || x.equals(index));
  }
}
