package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
  @Test
  void expiresDailyIndicesOlderThanTheRetentionByTheirNameOnly() {
    List<String> indices = List.of(
        "mailtrace-sent-2026.11.28", "mailtrace-sent-2026.10.30", "mailtrace-sent-2026.10.29",
        "mailtrace-sent-2025.01.01", "mailtrace-sent-keep-me", "other-2020.01.01", "mailtrace-sent-2020.1.1");
    assertThat(Retention.expired(indices, LocalDate.parse("2026-11-28"), 30))
        .containsExactly("mailtrace-sent-2025.01.01", "mailtrace-sent-2026.10.29");
  }
}
