package io.mailtrace.app.faults;

import io.mailtrace.devstack.LocalElasticsearch;
import io.mailtrace.testkit.TestElasticsearch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The long variant of the fault recipes ({@code bench/soak/run}): the {@link FaultRig} under SMTP
 * load for N minutes while faults repeat in a cycle (SIGKILL signer, SIGTERM signer, SIGKILL ingest,
 * SIGTERM ingest, Elasticsearch stopped for a while), then the {@link TraceOracle}. Prints the
 * counts; exits 1 when anything was lost or the promise failed otherwise.
 *
 * <p>Arguments: {@code --minutes N} (10), {@code --sessions N} (4), {@code --rate N} messages/s (60),
 * {@code --pause S} seconds between faults (15).
 */
public final class SoakMain {
  /** In cycle order; the slowest (Elasticsearch restart) last, so short runs see the others. */
  private enum Fault { KILL_SIGNER, TERM_SIGNER, KILL_INGEST, TERM_INGEST, ES_DOWN }

  private SoakMain() {}

  public static void main(String[] args) throws Exception {
    double minutes = 10;
    int sessions = 4;
    int rate = 60;
    int pause = 15;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
        case "--sessions" -> sessions = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        case "--pause" -> pause = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--minutes N, --sessions N, --rate N, --pause SECONDS)");
      }
    }
    Path base = Path.of(System.getProperty("mailtrace.repo", ".")).toAbsolutePath().resolve("app/target/soak");
    LocalElasticsearch es = TestElasticsearch.dedicated("soak").start();
    int exit;
    try (FaultRig rig = FaultRig.start(es, base, "soak", FaultRig.Options.defaults().withLoad(sessions, rate))) {
      log("rig up in " + rig.dir() + "; load " + sessions + " sessions at " + rate + " msg/s for " + minutes + " min");
      LoadGenerator load = rig.load();
      Instant end = Instant.now().plusMillis((long) (minutes * 60_000));
      Map<Fault, Integer> injected = new java.util.EnumMap<>(Fault.class);
      int n = 0;
      while (Instant.now().plusSeconds(pause).isBefore(end)) {
        // time between faults: the point of a soak, not a synchronisation
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(pause));
        Fault f = Fault.values()[n++ % Fault.values().length];
        inject(f, rig, load, pause);
        injected.merge(f, 1, Integer::sum);
        log("fault " + f + " done; 250s so far " + load.accepted());
      }
      Map<String, Submission> sent = load.stop();
      log("load stopped; waiting for the ingest lag to reach zero");
      TraceOracle.Verdict v = rig.oracle().check(sent, Duration.ofMinutes(5), rig.ingest()::isAlive);
      System.out.println();
      System.out.println("soak: " + minutes + " min, faults injected " + injected);
      System.out.printf("messages sent      %d%n", v.sent());
      System.out.printf("250s               %d%n", v.accepted());
      System.out.printf("refused (4xx/5xx)  %d%n", v.refused());
      System.out.printf("no answer          %d%n", v.noAnswer());
      System.out.printf("records indexed    %d%n", v.indexed());
      System.out.printf("duplicates         %d%n", v.duplicates());
      System.out.printf("dead-lettered      %d%n", v.deadLettered());
      System.out.printf("lost               %d%n", v.lost());
      if (v.holds()) {
        System.out.println("result: OK (every 250 has exactly one record)");
        exit = 0;
      } else {
        System.out.println("result: FAILED");
        v.problems().forEach(p -> System.out.println("  - " + p));
        exit = 1;
      }
    } finally {
      es.close();
    }
    System.exit(exit);
  }

  private static void inject(Fault f, FaultRig rig, LoadGenerator load, int pause) throws Exception {
    switch (f) {
      case KILL_SIGNER -> {
        rig.signer().kill();
        rig.signer().start();
      }
      case KILL_INGEST -> {
        rig.ingest().kill();
        rig.ingest().start();
      }
      case ES_DOWN -> {
        LocalElasticsearch es = rig.elasticsearch();
        es.close();
        try {
          // down for a while; the load goes on into the journal
          LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(pause));
        } finally {
          es.start();
        }
      }
      case TERM_SIGNER -> {
        rig.signer().terminate(Duration.ofSeconds(90));
        rig.signer().start();
      }
      case TERM_INGEST -> {
        rig.ingest().terminate(Duration.ofSeconds(90));
        rig.ingest().start();
      }
    }
  }

  private static void log(String s) {
    System.out.println(Instant.now() + " soak: " + s);
  }
}
