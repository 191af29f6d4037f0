package io.mailtrace.api;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Asks Linux for a short scheduling slice for the calling thread: {@code sched_setattr} with
 * {@code SCHED_OTHER} and a {@code sched_runtime}, which the EEVDF scheduler takes as the
 * thread's slice since Linux 6.12. A shorter slice means an earlier virtual deadline, so a thread
 * that wakes on cores other threads keep busy runs at once instead of after their slice. The
 * API's event loops wake twice per search (the caller's request, Elasticsearch's answer) on
 * cores that Elasticsearch's search threads and collector saturate in bursts; each of those
 * waits is what the API adds to a search's tail latency.
 *
 * <p>Nothing changes the thread's priority or policy, and no privilege is needed. Elsewhere (not
 * Linux, an older kernel, no native access) the request has no effect and {@link Outcome} says why.
 */
public final class SchedulerSlice {
  /** The kernel's bounds for a custom slice (kernel/sched/syscalls.c). */
  public static final Duration MIN = Duration.ofNanos(100_000);
  public static final Duration MAX = Duration.ofMillis(100);

  /** What became of a request: {@code applied} when the kernel reports the slice asked for. */
  public record Outcome(boolean applied, String detail) {}

  private SchedulerSlice() {}

  /** Requests {@code slice} (within {@link #MIN}..{@link #MAX}) for the calling thread. */
  public static Outcome request(Duration slice) {
    if (slice.compareTo(MIN) < 0 || slice.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("a scheduler slice is between 0.1 ms and 100 ms: " + slice);
    }
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return new Outcome(false, "not Linux");
    }
    long number;
    switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> number = 314;
      case "aarch64" -> number = 274;
      default -> {
        return new Outcome(false, "no sched_setattr number known for " + System.getProperty("os.arch"));
      }
    }
    int result;
    int errno;
    try {
      // struct sched_attr (VER0, 48 bytes): size, policy, flags, nice, priority, runtime, deadline, period
      Memory attr = new Memory(48);
      attr.clear();
      attr.setInt(0, 48);
      attr.setInt(4, 0); // SCHED_OTHER
      attr.setLong(24, slice.toNanos());
      result = Libc.INSTANCE.syscall(number, 0L, attr, 0L); // pid 0: the calling thread
      errno = result == 0 ? 0 : Native.getLastError();
    } catch (LinkageError | RuntimeException e) {
      return new Outcome(false, "no native access (" + e.getMessage() + ")");
    }
    if (result != 0) {
      return new Outcome(false, "sched_setattr failed, errno " + errno);
    }
    Optional<Long> reported = currentSliceNanos();
    if (reported.isEmpty()) {
      return new Outcome(false, "this kernel does not report a slice (custom slices need Linux 6.12 or later)");
    }
    return reported.get() == slice.toNanos()
        ? new Outcome(true, "slice " + slice.toNanos() / 1000 + " us")
        : new Outcome(false, "this kernel keeps its own slice (" + reported.get() / 1000 + " us); custom slices need Linux 6.12 or later");
  }

  /** The calling thread's slice as the kernel reports it ({@code se.slice} in /proc/thread-self/sched). */
  public static Optional<Long> currentSliceNanos() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/thread-self/sched"))) {
        if (line.startsWith("se.slice")) {
          return Optional.of(Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private interface Libc extends Library {
    Libc INSTANCE = Native.load("c", Libc.class);

    int syscall(long number, Object... args);
  }
}
