package io.mailtrace.signer.keys;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** Generates RSA key pairs on a worker pool (it takes tens to hundreds of ms) and selectors. */
public final class KeyGenerator {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyMMdd").withZone(ZoneOffset.UTC);
  private final WorkerExecutor workers;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public KeyGenerator(WorkerExecutor workers, Clock clock) {
    this.workers = workers;
    this.clock = clock;
  }

  public Future<KeyPair> rsa(int bits) {
    if (bits != 2048 && bits != 3072 && bits != 4096) {
      return Future.failedFuture(new IllegalArgumentException("RSA key size must be 2048, 3072 or 4096"));
    }
    return workers.executeBlocking(() -> {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits, random);
      return g.generateKeyPair();
    }, false);
  }

  /** {@code mt} + yyMMdd (UTC) + 4 random digits, not among {@code taken}. */
  public String selector(Set<String> taken) {
    String day = DAY.format(clock.instant());
    for (int i = 0; i < 1000; i++) {
      String s = "mt" + day + String.format("%04d", random.nextInt(10_000));
      if (!taken.contains(s)) {
        return s;
      }
    }
    throw new IllegalStateException("no free selector for today");
  }
}
