package io.mailtrace.signer.keys;

import io.mailtrace.model.keys.CheckOutcome;
import io.mailtrace.model.keys.DkimKeyService;
import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.model.keys.DnsCheck;
import io.mailtrace.model.keys.DnsCheckResult;
import io.mailtrace.model.keys.KeyManagementException;
import io.mailtrace.model.keys.KeyManagementException.Kind;
import io.mailtrace.model.keys.KeyState;
import io.vertx.core.Future;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Custom key management on top of the {@link KeyStore}: at most one live (pending or active) key
 * per domain. Two nodes activating at once both write; the older key wins and the other is
 * disabled at once (the loser's caller gets a 409 with the winner).
 */
public final class DkimKeyServiceImpl implements DkimKeyService {
  private static final Logger LOG = LoggerFactory.getLogger(DkimKeyServiceImpl.class);
  private static final Pattern DOMAIN = Pattern.compile(
      "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Comparator<DkimKeyRecord> OLDEST_FIRST =
      Comparator.comparing(DkimKeyRecord::createdAt).thenComparing(DkimKeyRecord::selector);

  private final KeyStore store;
  private final KeyGenerator generator;
  private final KeyEncryption encryption;
  private final DnsChecker checker;
  private final KeysConfig config;
  private final Clock clock;
  private final List<KeyChangeListener> listeners = new CopyOnWriteArrayList<>();

  public DkimKeyServiceImpl(KeyStore store, KeyGenerator generator, KeyEncryption encryption,
      DnsChecker checker, KeysConfig config, Clock clock) {
    this.store = store;
    this.generator = generator;
    this.encryption = encryption;
    this.checker = checker;
    this.config = config;
    this.clock = clock;
  }

  public void addListener(KeyChangeListener l) {
    listeners.add(l);
  }

  @Override
  public Future<DkimKeyView> view(String domain) {
    return normalize(domain).compose(d -> live(d)
        .map(r -> r.map(DkimKeyRecord::view).orElse(DkimKeyView.none(d))))
        .recover(DkimKeyServiceImpl::unavailable);
  }

  @Override
  public Future<DkimKeyView> activate(String domain) {
    return normalize(domain).compose(d -> store.forDomain(d).compose(all -> {
      Optional<DkimKeyRecord> current = winner(all);
      if (current.isPresent()) {
        return Future.failedFuture(conflict(current.get()));
      }
      Set<String> taken = all.stream().map(DkimKeyRecord::selector).collect(Collectors.toSet());
      return generator.rsa(config.rsaBits())
          .compose(kp -> store.create(newRecord(d, generator.selector(taken), kp)))
          .compose(mine -> settleRace(d, mine));
    })).recover(DkimKeyServiceImpl::unavailable);
  }

  private DkimKeyRecord newRecord(String domain, String selector, KeyPair kp) {
    Instant now = clock.instant();
    byte[] pkcs8 = kp.getPrivate().getEncoded();
    KeyEncryption.Sealed sealed = encryption.encrypt(domain, selector, pkcs8);
    java.util.Arrays.fill(pkcs8, (byte) 0);
    int bits = ((java.security.interfaces.RSAPublicKey) kp.getPublic()).getModulus().bitLength();
    return new DkimKeyRecord(domain, selector, KeyState.PENDING, bits,
        Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()), sealed, now,
        now.plus(config.pendingTtl()), null, null, null, -1, -1);
  }

  /** After our write, the oldest live key of the domain wins; ours is ended if it lost. */
  private Future<DkimKeyView> settleRace(String domain, DkimKeyRecord mine) {
    return store.forDomain(domain).compose(all -> {
      DkimKeyRecord w = winner(all).orElse(mine);
      if (w.id().equals(mine.id())) {
        LOG.info("dkim key activated: domain={} selector={} state=pending", domain, mine.selector());
        notifyChange(domain);
        return Future.succeededFuture(mine.view());
      }
      return store.update(mine.ended(KeyState.DISABLED, clock.instant()))
          .compose(x -> Future.failedFuture(conflict(w)));
    });
  }

  @Override
  public Future<CheckOutcome> checkNow(String domain) {
    return normalize(domain).compose(d -> requireLive(d))
        .compose(this::checkAndStore)
        .map(r -> new CheckOutcome(r.lastCheck().result(), r.lastCheck().message(), r.state()))
        .recover(DkimKeyServiceImpl::unavailable);
  }

  /** Runs the DNS check and stores its outcome (ok turns pending into active). */
  Future<DkimKeyRecord> checkAndStore(DkimKeyRecord rec) {
    return checker.check(rec.domain(), rec.selector(), rec.publicKey())
        .compose(check -> applyCheck(rec, check, true));
  }

  private Future<DkimKeyRecord> applyCheck(DkimKeyRecord rec, DnsCheck check, boolean retry) {
    DkimKeyRecord next = rec.withCheck(check);
    if (check.result() == DnsCheckResult.OK && rec.state() == KeyState.PENDING) {
      next = next.activated(check.checkedAt());
    }
    DkimKeyRecord target = next;
    return store.update(target).onSuccess(stored -> {
      if (stored.state() != rec.state()) {
        LOG.info("dkim key verified: domain={} selector={} state=active", rec.domain(), rec.selector());
        notifyChange(rec.domain());
      } else if (rec.state() == KeyState.ACTIVE && check.result() != DnsCheckResult.OK) {
        LOG.warn("dkim key record problem (signing continues): domain={} selector={} result={}",
            rec.domain(), rec.selector(), check.result().wireName());
      }
    }).recover(e -> {
      if (retry && e instanceof KeyStore.ConcurrentUpdateException) {
        // Someone else changed the key meanwhile (a check on another node): apply to the fresh copy.
        return live(rec.domain()).compose(fresh -> fresh.filter(f -> f.id().equals(rec.id()))
            .map(f -> applyCheck(f, check, false))
            .orElseGet(() -> Future.failedFuture(new KeyManagementException(Kind.NO_KEY,
                "the key of " + rec.domain() + " was disabled meanwhile"))));
      }
      return Future.failedFuture(e);
    });
  }

  @Override
  public Future<Void> disable(String domain) {
    return normalize(domain).compose(d -> requireLive(d))
        .compose(r -> end(r, KeyState.DISABLED, true))
        .<Void>mapEmpty()
        .recover(DkimKeyServiceImpl::unavailable);
  }

  /** Disables or expires a key, dropping its private key from the store. */
  Future<DkimKeyRecord> end(DkimKeyRecord rec, KeyState state, boolean retry) {
    return store.update(rec.ended(state, clock.instant())).onSuccess(x -> {
      LOG.info("dkim key {}: domain={} selector={} private key destroyed",
          state == KeyState.EXPIRED ? "expired (never verified)" : "disabled", rec.domain(), rec.selector());
      notifyChange(rec.domain());
    }).recover(e -> {
      if (retry && e instanceof KeyStore.ConcurrentUpdateException) {
        return live(rec.domain()).compose(fresh -> fresh.filter(f -> f.id().equals(rec.id()))
            .map(f -> end(f, state, false))
            .orElseGet(() -> Future.failedFuture(new KeyManagementException(Kind.NO_KEY,
                "the key of " + rec.domain() + " was already removed"))));
      }
      return Future.failedFuture(e);
    });
  }

  KeysConfig config() {
    return config;
  }

  KeyStore store() {
    return store;
  }

  private Future<DkimKeyRecord> requireLive(String domain) {
    return live(domain).compose(r -> r.map(Future::succeededFuture).orElseGet(() ->
        Future.failedFuture(new KeyManagementException(Kind.NO_KEY,
            "the domain " + domain + " has no custom DKIM key"))));
  }

  private Future<Optional<DkimKeyRecord>> live(String domain) {
    return store.forDomain(domain).map(DkimKeyServiceImpl::winner);
  }

  static Optional<DkimKeyRecord> winner(List<DkimKeyRecord> all) {
    return all.stream().filter(r -> r.state().live()).min(OLDEST_FIRST);
  }

  private KeyManagementException conflict(DkimKeyRecord current) {
    return new KeyManagementException(Kind.CONFLICT, "the domain " + current.domain()
        + " already has a " + current.state().wireName() + " custom DKIM key", current.view());
  }

  private void notifyChange(String domain) {
    for (KeyChangeListener l : listeners) {
      try {
        l.keysChanged(domain);
      } catch (RuntimeException e) {
        LOG.warn("key change listener failed: {}", e.toString());
      }
    }
  }

  static Future<String> normalize(String domain) {
    String d = domain == null ? "" : domain.strip().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (!DOMAIN.matcher(d).matches()) {
      return Future.failedFuture(new KeyManagementException(Kind.INVALID_DOMAIN,
          "not a valid domain name"));
    }
    return Future.succeededFuture(d);
  }

  private static <T> Future<T> unavailable(Throwable e) {
    if (e instanceof KeyManagementException) {
      return Future.failedFuture(e);
    }
    LOG.warn("key store operation failed: {}", e.toString());
    return Future.failedFuture(new KeyManagementException(Kind.UNAVAILABLE,
        "key management is temporarily unavailable"));
  }
}
