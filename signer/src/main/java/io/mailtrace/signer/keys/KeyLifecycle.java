package io.mailtrace.signer.keys;

import io.mailtrace.model.keys.KeyState;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the key lifecycle, at the injected clock's now: pending keys past their expiry
 * are removed (key destroyed, event logged); pending keys not checked for
 * {@code pendingRecheck} are checked (ok → active); active keys not checked for
 * {@code activeRecheck} are re-verified (problems go to {@code dns_status}, signing continues).
 * Keys are handled one after the other; one key's failure does not stop the pass. Several nodes
 * may run passes concurrently: optimistic concurrency makes the duplicates harmless.
 */
public final class KeyLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(KeyLifecycle.class);
  private final DkimKeyServiceImpl service;
  private final Clock clock;

  /** What one pass did. */
  public record Pass(int expired, int checked, int failed) {}

  public KeyLifecycle(DkimKeyServiceImpl service, Clock clock) {
    this.service = service;
    this.clock = clock;
  }

  public Future<Pass> runOnce() {
    return service.store().inStates(EnumSet.of(KeyState.PENDING, KeyState.ACTIVE)).compose(keys -> {
      int[] counts = new int[3];
      Future<Void> chain = Future.succeededFuture();
      for (DkimKeyRecord k : keys) {
        chain = chain.compose(x -> handle(k, counts).recover(e -> {
          counts[2]++;
          LOG.warn("key lifecycle step failed: domain={} selector={} error={}", k.domain(), k.selector(), e.toString());
          return Future.succeededFuture();
        }));
      }
      return chain.map(x -> new Pass(counts[0], counts[1], counts[2]));
    });
  }

  private Future<Void> handle(DkimKeyRecord k, int[] counts) {
    Instant now = clock.instant();
    KeysConfig cfg = service.config();
    if (k.state() == KeyState.PENDING && k.expiresAt() != null && !now.isBefore(k.expiresAt())) {
      counts[0]++;
      LOG.info("dkim key expiring: domain={} selector={} never verified since {}", k.domain(), k.selector(), k.createdAt());
      return service.end(k, KeyState.EXPIRED, true).mapEmpty();
    }
    Duration every = k.state() == KeyState.PENDING ? cfg.pendingRecheck() : cfg.activeRecheck();
    Instant last = k.lastCheck() != null ? k.lastCheck().checkedAt()
        : k.state() == KeyState.ACTIVE && k.verifiedAt() != null ? k.verifiedAt() : k.createdAt();
    if (!now.isBefore(last.plus(every))) {
      counts[1]++;
      return service.checkAndStore(k).mapEmpty();
    }
    return Future.succeededFuture();
  }

}
