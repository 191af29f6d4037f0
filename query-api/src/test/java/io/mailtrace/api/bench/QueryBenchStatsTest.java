package io.mailtrace.api.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The figures the query benchmark prints: percentiles and the interval of the p99 difference. */
class QueryBenchStatsTest {
  @Test
  void percentileIsTheNearestRankInMilliseconds() {
    long[] micros = new long[100];
    for (int i = 0; i < 100; i++) {
      micros[i] = (100 - i) * 1000L; // 1..100 ms, unsorted
    }
    assertThat(QueryBench.pct(micros, 50)).isEqualTo(50.0);
    assertThat(QueryBench.pct(micros, 99)).isEqualTo(99.0);
    assertThat(QueryBench.pct(micros, 100)).isEqualTo(100.0);
  }

  @Test
  void intervalOfAConstantOffsetIsThatOffset() {
    long[] raw = noisyLatencies(new Random(1), 3000);
    long[] api = Arrays.stream(raw).map(us -> us + 1500).toArray();
    double[] ci = QueryBench.p99DifferenceInterval(api, raw, 25, new Random(2));
    assertThat(ci[0]).isCloseTo(1.5, within(1e-9));
    assertThat(ci[1]).isCloseTo(1.5, within(1e-9));
  }

  @Test
  void intervalOfIndependentSamplesOfOneDistributionContainsZeroAndHasWidth() {
    Random rnd = new Random(3);
    long[] api = noisyLatencies(rnd, 3000);
    long[] raw = noisyLatencies(rnd, 3000);
    double[] ci = QueryBench.p99DifferenceInterval(api, raw, 25, new Random(4));
    assertThat(ci[0]).isLessThan(0.0);
    assertThat(ci[1]).isGreaterThan(0.0);
    assertThat(ci[1] - ci[0]).isGreaterThan(1.0);
  }

  /** About 6 ms with a long tail, in microseconds, like a search under load. */
  private static long[] noisyLatencies(Random rnd, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      double base = 6000 + rnd.nextGaussian() * 800;
      out[i] = (long) (rnd.nextDouble() < 0.03 ? base + rnd.nextDouble() * 40_000 : Math.max(500, base));
    }
    return out;
  }
}
