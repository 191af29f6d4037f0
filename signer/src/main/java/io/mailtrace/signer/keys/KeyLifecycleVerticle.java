package io.mailtrace.signer.keys;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link KeyLifecycle} passes on a timer ({@code lifecycleTick}); a pass never overlaps
 * the previous one. Deploy one instance per node that manages keys.
 */
public final class KeyLifecycleVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(KeyLifecycleVerticle.class);
  private final KeyLifecycle lifecycle;
  private final long tickMillis;
  private boolean running;
  private long timer = -1;

  public KeyLifecycleVerticle(KeyLifecycle lifecycle, KeysConfig config) {
    this.lifecycle = lifecycle;
    this.tickMillis = config.lifecycleTick().toMillis();
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(tickMillis, id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    lifecycle.runOnce()
        .onSuccess(p -> {
          if (p.expired() + p.checked() + p.failed() > 0) {
            LOG.info("key lifecycle pass: expired={} checked={} failed={}", p.expired(), p.checked(), p.failed());
          }
        })
        .onFailure(e -> LOG.warn("key lifecycle pass failed: {}", e.toString()))
        .onComplete(x -> running = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
