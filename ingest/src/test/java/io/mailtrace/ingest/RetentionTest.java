package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
  /**
   * Today 2026-11-28 with 30 days kept: the oldest kept day is 2026-10-30 (a Friday, in week 44).
   * Week 44 still holds kept days; week 43 ended on Sunday 2026-10-25 and goes.
   */
  @Test
  void expiresWeeksWhoseLastDayIsOlderThanTheRetentionByTheirNameOnly() {
    List<String> indices = List.of(
        "mailtrace-sent-2026-w48", "mailtrace-sent-2026-w44", "mailtrace-sent-2026-w43",
        "mailtrace-sent-2025-w01", "mailtrace-sent-keep-me", "other-2020-w01", "mailtrace-sent-2020-w1",
        "mailtrace-sent-2020.01.01");
    assertThat(Retention.expired(indices, LocalDate.parse("2026-11-28"), 30))
        .containsExactly("mailtrace-sent-2025-w01", "mailtrace-sent-2026-w43");
  }

  @Test
  void aWeekGoesTheDayAfterItsSundayLeavesTheWindow() {
    List<String> week43 = List.of("mailtrace-sent-2026-w43"); // Monday 19 to Sunday 25 October
    assertThat(Retention.expired(week43, LocalDate.parse("2026-11-23"), 30)).isEmpty(); // oldest kept: 25 Oct
    assertThat(Retention.expired(week43, LocalDate.parse("2026-11-24"), 30)).containsExactly("mailtrace-sent-2026-w43");
  }
}
