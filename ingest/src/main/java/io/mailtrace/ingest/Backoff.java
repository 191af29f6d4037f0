package io.mailtrace.ingest;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: attempt n (0-based) waits a uniform random delay in
 * [0, min(max, base * 2^n)] milliseconds. Bounded delay, unbounded attempts. The random source is
 * injected ({@code bound -> value in [0, bound]}) so tests are deterministic.
 */
public final class Backoff {
  private final long baseMillis;
  private final long maxMillis;
  private final LongUnaryOperator random;

  public Backoff(Duration base, Duration max, LongUnaryOperator random) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.maxMillis = Math.max(baseMillis, max.toMillis());
    this.random = random;
  }

  /** A backoff drawing from {@link java.util.concurrent.ThreadLocalRandom}. */
  public static Backoff withRandomJitter(Duration base, Duration max) {
    return new Backoff(base, max, bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** The ceiling of the delay for this attempt. */
  public long ceilingMillis(int attempt) {
    int shift = Math.min(Math.max(attempt, 0), 30);
    long ceiling = baseMillis << shift;
    return ceiling <= 0 || ceiling > maxMillis ? maxMillis : ceiling;
  }

  /** The delay before the given retry attempt, in milliseconds (at least 1: Vert.x timers need it). */
  public long delayMillis(int attempt) {
    long ceiling = ceilingMillis(attempt);
    long d = random.applyAsLong(ceiling);
    return Math.max(1, Math.min(ceiling, d));
  }
}
