package io.mailtrace.ingest;

import io.mailtrace.journal.JournalConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Ingest alone in a JVM of its own, for the SIGKILL test: {@code <journalDir> <esUrl> <deadLetterFile>}.
 * Prints {@code READY} once deployed and runs until killed.
 */
public final class IngestChildMain {
  private IngestChildMain() {}

  public static void main(String[] args) {
    JournalConfig journal = JournalConfig.defaults(Path.of(args[0]));
    IngestConfig config = IngestConfig.defaults(args[1], Path.of(args[2]))
        .withBatch(200, 1 << 20, Duration.ofMillis(20))
        .withRetry(Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(30))
        .withRetention(36500, Duration.ofHours(1));
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new IngestVerticle(config, journal, new SimpleMeterRegistry()))
        .onSuccess(id -> System.out.println("READY"))
        .onFailure(e -> {
          System.out.println("FAILED " + e);
          System.exit(2);
        });
  }
}
