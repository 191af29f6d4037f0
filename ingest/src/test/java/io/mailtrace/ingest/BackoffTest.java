package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void ceilingDoublesFromTheBaseUpToTheMax() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), bound -> bound);
    assertThat(b.ceilingMillis(0)).isEqualTo(100);
    assertThat(b.ceilingMillis(1)).isEqualTo(200);
    assertThat(b.ceilingMillis(5)).isEqualTo(3200);
    assertThat(b.ceilingMillis(6)).isEqualTo(5000);
    assertThat(b.ceilingMillis(1000)).isEqualTo(5000); // no overflow, bounded forever
  }

  @Test
  void fullJitterDrawsUniformlyBelowTheCeiling() {
    Backoff top = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), bound -> bound);
    Backoff bottom = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), bound -> 0);
    Backoff half = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), bound -> bound / 2);
    assertThat(top.delayMillis(3)).isEqualTo(800);
    assertThat(bottom.delayMillis(3)).isEqualTo(1); // a Vert.x timer needs at least 1 ms
    assertThat(half.delayMillis(3)).isEqualTo(400);
  }

  @Test
  void randomJitterStaysInRange() {
    Backoff b = Backoff.withRandomJitter(Duration.ofMillis(10), Duration.ofMillis(1000));
    for (int attempt = 0; attempt < 20; attempt++) {
      for (int i = 0; i < 200; i++) {
        assertThat(b.delayMillis(attempt)).isBetween(1L, b.ceilingMillis(attempt));
      }
    }
  }
}
