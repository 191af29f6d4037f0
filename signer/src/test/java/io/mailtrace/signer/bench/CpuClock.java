package io.mailtrace.signer.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of processes and of this JVM's threads, from /proc (Linux), in milliseconds. CPU time
 * is what the benchmark compares across processes: on a machine shared with other work, wall-clock
 * rates move with the neighbours' load, CPU time per message much less.
 */
final class CpuClock {
  private static final double MS_PER_TICK = 1000.0 / clockTicks();

  private CpuClock() {}

  /** utime+stime of a live process. */
  static double processMs(long pid) {
    long[] f = stat(Path.of("/proc", String.valueOf(pid), "stat"));
    return f == null ? 0 : (f[0] + f[1]) * MS_PER_TICK;
  }

  /** cutime+cstime of this JVM: CPU of the children it has already reaped (smtp-source runs). */
  static double reapedChildrenMs() {
    long[] f = stat(Path.of("/proc/self/stat"));
    return f == null ? 0 : (f[2] + f[3]) * MS_PER_TICK;
  }

  /** Suffix of the keys of {@link #threadGroupsMs} that hold the kernel (system) part. */
  static final String KERNEL = ":kernel";

  /**
   * CPU ms of this JVM's threads, summed by {@link #group} of the thread name; the key with
   * {@link #KERNEL} appended holds the part spent in the kernel (syscalls: socket I/O, fsync).
   */
  static Map<String, Double> threadGroupsMs() {
    Map<String, Double> out = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path t : tasks) {
        try {
          String comm = Files.readString(t.resolve("comm")).strip();
          long[] f = stat(t.resolve("stat"));
          if (f != null) {
            out.merge(group(comm), (f[0] + f[1]) * MS_PER_TICK, Double::sum);
            out.merge(group(comm) + KERNEL, f[1] * MS_PER_TICK, Double::sum);
          }
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> d = new HashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0.0)));
    return d;
  }

  /** Thread names (15 characters in /proc) folded into the roles the report shows. */
  static String group(String comm) {
    String c = comm.toLowerCase(Locale.ROOT);
    if (c.startsWith("vert.x-eventloo")) {
      return "event loops";
    }
    if (c.startsWith("mailtrace-dkim")) {
      return "dkim workers";
    }
    if (c.startsWith("mailtrace-journ")) {
      return "journal writer";
    }
    if (c.contains("compilerthre")) {
      return "JIT";
    }
    if (c.startsWith("gc ") || c.startsWith("g1 ") || c.equals("vm thread") || c.startsWith("vm periodic")) {
      return "GC+VM";
    }
    if (c.equals("main") || c.startsWith("process reaper")) {
      return "bench harness";
    }
    return "other";
  }

  /** utime, stime, cutime, cstime (fields 14-17 of proc(5) stat), in clock ticks. */
  private static long[] stat(Path file) {
    try {
      String s = Files.readString(file);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state): field n is f[n - 3]
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | RuntimeException | InterruptedException e) {
      return 100;
    }
  }
}
