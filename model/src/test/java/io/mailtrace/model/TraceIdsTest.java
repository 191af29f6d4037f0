package io.mailtrace.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

  @Test
  void idsAreStrictlyIncreasingWithinAndAcrossMilliseconds() {
    TraceIds ids = new TraceIds(new SecureRandom());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      out.add(ids.nextId(1_700_000_000_000L + i / 100));
    }
    List<String> sorted = new ArrayList<>(out);
    sorted.sort(null);
    assertThat(out).isEqualTo(sorted);
    assertThat(new HashSet<>(out)).hasSize(out.size());
  }

  @Test
  void encodesItsTime() {
    String id = new TraceIds(new SecureRandom()).nextId(Instant.parse("2026-11-28T10:00:00.123Z").toEpochMilli());
    assertThat(id).hasSize(26);
    assertThat(TraceIds.isValid(id)).isTrue();
    assertThat(TraceIds.timeOf(id)).isEqualTo(Instant.parse("2026-11-28T10:00:00.123Z"));
    assertThat(TraceIds.isValid("not-an-id")).isFalse();
    assertThat(TraceIds.isValid("ZZZZZZZZZZZZZZZZZZZZZZZZZZ")).isFalse();
  }

  @Test
  void aClockSteppingBackStillGivesIncreasingIds() {
    TraceIds ids = new TraceIds(new SecureRandom());
    String a = ids.nextId(2_000);
    String b = ids.nextId(1_000);
    assertThat(b).isGreaterThan(a);
  }
}
