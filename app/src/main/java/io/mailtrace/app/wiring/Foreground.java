package io.mailtrace.app.wiring;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a long-running command in the foreground until SIGINT/SIGTERM, then runs its graceful
 * stop (bounded) before the JVM exits. Used from the main thread only, never an event loop.
 */
public final class Foreground {
  private static final Logger LOG = LoggerFactory.getLogger(Foreground.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private Foreground() {}

  /** Waits for a future from a non-event-loop thread. */
  public static <T> T await(Future<T> f, Duration timeout) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("not done within " + timeout.toSeconds() + " s");
    }
  }

  /** Blocks until the process is asked to stop; {@code stop} runs in the shutdown hook. */
  public static void runUntilStopped(Supplier<Future<Void>> stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping");
      try {
        await(stop.get(), STOP_TIMEOUT);
        LOG.info("stopped");
      } catch (Exception e) {
        LOG.warn("graceful stop incomplete: {}", e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "mailtrace-shutdown"));
    stopped.await();
  }
}
