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
  void aDayRangeTargetsTheDaysItTouches() {
    assertThat(TraceIndex.searchTargets(t("2026-11-27T10:15:00Z"), t("2026-11-28T10:15:00Z")))
        .containsExactly("mailtrace-sent-2026.11.27", "mailtrace-sent-2026.11.28");
  }

  @Test
  void theEndIsExclusive() {
    assertThat(TraceIndex.searchTargets(t("2026-11-27T00:00:00Z"), t("2026-11-28T00:00:00Z")))
        .containsExactly("mailtrace-sent-2026.11.27");
  }

  @Test
  void wholeMonthsBecomeOneWildcard() {
    assertThat(TraceIndex.searchTargets(t("2026-01-30T12:00:00Z"), t("2026-03-02T00:00:00Z")))
        .containsExactly("mailtrace-sent-2026.01.30", "mailtrace-sent-2026.01.31", "mailtrace-sent-2026.02.*",
            "mailtrace-sent-2026.03.01");
    assertThat(TraceIndex.searchTargets(t("2025-12-01T00:00:00Z"), t("2026-02-01T00:00:00Z")))
        .containsExactly("mailtrace-sent-2025.12.*", "mailtrace-sent-2026.01.*");
  }

  @Test
  void veryLongRangesUseTheAlias() {
    assertThat(TraceIndex.searchTargets(t("2010-01-01T00:00:00Z"), t("2026-01-01T00:00:00Z")))
        .containsExactly(TraceIndex.ALIAS);
  }

  @Test
  void anEmptyRangeStillNamesAValidTarget() {
    assertThat(TraceIndex.searchTargets(t("2026-11-28T00:00:00Z"), t("2026-11-28T00:00:00Z")))
        .containsExactly("mailtrace-sent-2026.11.28");
  }

  /** Whatever the range, every instant inside it is stored in an index the targets cover. */
  @Test
  void targetsCoverEveryInstantOfRandomRanges() {
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      Instant from = t("2024-01-01T00:00:00Z").plusSeconds(rnd.nextInt(3 * 365 * 86400));
      Instant to = from.plusSeconds(1 + rnd.nextInt(rnd.nextBoolean() ? 3 * 86400 : 200 * 86400));
      List<String> targets = TraceIndex.searchTargets(from, to);
      assertThat(targets.size()).isLessThanOrEqualTo(TraceIndex.MAX_TARGETS);
      for (Instant at = from; at.isBefore(to); at = at.plusSeconds(3600 * 7)) {
        assertThat(covers(targets, TraceIndex.indexFor(at))).as("%s..%s: %s covers %s", from, to, targets, at).isTrue();
      }
      assertThat(covers(targets, TraceIndex.indexFor(to.minusNanos(1)))).isTrue();
      // and nothing outside the range's days is named
      for (String x : targets) {
        if (!x.equals(TraceIndex.ALIAS) && !x.endsWith("*")) {
          LocalDate d = TraceIndex.dayOf(x).orElseThrow();
          assertThat(d).isBetween(LocalDate.ofInstant(from, ZoneOffset.UTC), LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC));
        }
      }
    }
  }

  private static boolean covers(List<String> targets, String index) {
    return targets.stream().anyMatch(x -> x.equals(TraceIndex.ALIAS) && index.startsWith(TraceIndex.PREFIX)
        || x.equals(index) || x.endsWith(".*") && index.startsWith(x.substring(0, x.length() - 1)));
  }
}
