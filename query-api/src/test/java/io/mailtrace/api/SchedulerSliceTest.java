package io.mailtrace.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Custom EEVDF slices need Linux 6.12 or later; elsewhere these tests report a skip. */
class SchedulerSliceTest {

  @Test
  void aThreadGetsTheSliceItAsksFor() throws Exception {
    assumeCustomSlices();
    CompletableFuture<Object[]> seen = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      Optional<Long> before = SchedulerSlice.currentSliceNanos();
      SchedulerSlice.Outcome outcome = SchedulerSlice.request(Duration.ofMillis(2));
      seen.complete(new Object[] {before, outcome, SchedulerSlice.currentSliceNanos()});
    });
    t.start();
    Object[] r = seen.get(10, TimeUnit.SECONDS);
    assertThat((Optional<Long>) r[0]).isPresent().get().isNotEqualTo(2_000_000L);
    assertThat(((SchedulerSlice.Outcome) r[1]).applied()).as(r[1].toString()).isTrue();
    assertThat((Optional<Long>) r[2]).contains(2_000_000L);
  }

  @Test
  void theApiEventLoopRunsWithTheShortestSlice() throws Exception {
    assumeCustomSlices();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      // Nothing listens on port 1: the API starts and answers 503 until Elasticsearch is there.
      ApiVerticle api = new ApiVerticle(ApiConfig.of("127.0.0.1", 0, "x".repeat(40), List.of("http://127.0.0.1:1")));
      vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // With one event loop, the verticle's thread is that loop.
      Optional<Long> slice = ((VertxInternal) vertx).nettyEventLoopGroup().next()
          .submit(SchedulerSlice::currentSliceNanos).get(10, TimeUnit.SECONDS);
      assertThat(slice).contains(ApiVerticle.EVENT_LOOP_SLICE.toNanos());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void slicesOutsideTheKernelsBoundsAreRefused() {
    assertThatThrownBy(() -> SchedulerSlice.request(Duration.ofNanos(99_999)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SchedulerSlice.request(Duration.ofMillis(101)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assumeCustomSlices() {
    Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version", ""));
    boolean linux = System.getProperty("os.name", "").startsWith("Linux");
    assumeTrue(linux && m.find() && Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) >= 6012,
        "custom scheduler slices need Linux 6.12 or later; this is " + System.getProperty("os.name") + " "
            + System.getProperty("os.version"));
  }
}
