package io.mailtrace.app.faults;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition until it holds or a deadline passes (the only way these tests wait). */
public final class Poll {
  /** A condition that may throw (an AssertionError thrown by it ends the wait at once). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Poll() {}

  public static void until(Duration timeout, String what, Condition c) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (c.holds()) {
          return;
        }
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
            + (last == null ? "" : " (last error: " + last + ")"));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }
}
