package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Vert.x face of the signer: work on the named worker pool, errors as DkimSigningException. */
@ExtendWith(VertxExtension.class)
class DkimMessageSignerTest {

  @Test
  void signsOnTheDkimWorkerPoolAndNotOnTheEventLoop(Vertx vertx, VertxTestContext ctx) throws Exception {
    DkimMessageSigner signer = new DkimMessageSigner(vertx, new DkimSignerCore(), 2);
    vertx.runOnContext(
        v ->
            signer
                .sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.custom(), TestKeys.shared()))
                .onComplete(
                    ctx.succeeding(
                        s ->
                            ctx.verify(
                                () -> {
                                  assertThat(s.applied()).hasSize(2);
                                  assertThat(io.vertx.core.Context.isOnEventLoopThread()).isTrue();
                                  ctx.completeNow();
                                }))));
    assertThat(ctx.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
    signer.close();
  }

  @Test
  void theCoreRunsOnAThreadOfTheDkimPool(Vertx vertx, VertxTestContext ctx) {
    // the core reads its clock on the signing thread: a clock that records the thread tells where
    java.util.concurrent.atomic.AtomicReference<String> signingThread = new java.util.concurrent.atomic.AtomicReference<>();
    java.time.Clock recording =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public java.time.Instant instant() {
            signingThread.set(Thread.currentThread().getName());
            return java.time.Instant.now();
          }
        };
    DkimMessageSigner signer = new DkimMessageSigner(vertx, new DkimSignerCore(recording), 2);
    vertx.runOnContext(v -> signer.sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.shared()))
        .onComplete(ctx.succeeding(s -> ctx.verify(() -> {
          assertThat(signingThread.get()).contains(DkimMessageSigner.POOL_NAME);
          signer.close();
          ctx.completeNow();
        }))));
  }

  @Test
  void aMessageWithoutFromFailsPermanently(Vertx vertx, VertxTestContext ctx) {
    DkimMessageSigner signer = new DkimMessageSigner(vertx);
    signer
        .sign(GeneratedMessages.refused().get("no-from").getKey(), List.of(TestKeys.shared()))
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).isInstanceOf(DkimSigningException.class).hasMessageContaining("no From");
                          assertThat(((DkimSigningException) e).permanent()).isTrue();
                          signer.close();
                          ctx.completeNow();
                        })));
  }
}
