package io.mailtrace.signer.keys;

import io.mailtrace.model.CustomSkipReason;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.keys.KeyState;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.dkim.SigningKeySource;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signer's {@link SigningKeySource} with custom keys: the domain's active custom key first,
 * then the shared key(s) of {@code shared}, when the From domain is the account's domain. Keys
 * come from a cache reloaded from the {@link KeyStore} every {@code refresh} (so a change made
 * on any node applies within that delay) and at once when {@link #keysChanged} is called (a
 * change made on this node). Private keys are decrypted and parsed once per (domain, selector),
 * on a worker pool. {@link #keysFor} only reads the cache: it never waits for Elasticsearch.
 */
public final class CustomKeySource implements SigningKeySource, KeyChangeListener {
  private static final Logger LOG = LoggerFactory.getLogger(CustomKeySource.class);

  /** The custom key state of one domain as signers see it. */
  record Entry(KeyState state, String selector, SigningKey key) {}

  private final Vertx vertx;
  private final KeyStore store;
  private final KeyEncryption encryption;
  private final SigningKeySource shared;
  private final WorkerExecutor workers;
  private final Duration refresh;
  private final Map<String, SigningKey> parsed = new ConcurrentHashMap<>();
  private volatile Map<String, Entry> byDomain = Map.of();
  private Context context;
  private long timer = -1;
  private Future<Void> inFlight;
  private boolean again;

  public CustomKeySource(Vertx vertx, KeyStore store, KeyEncryption encryption,
      SigningKeySource shared, WorkerExecutor workers, Duration refresh) {
    this.vertx = vertx;
    this.store = store;
    this.encryption = encryption;
    this.shared = shared;
    this.workers = workers;
    this.refresh = refresh;
  }

  /** Loads the cache once, then keeps it fresh on a timer of the calling context. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    return reload().onSuccess(x -> timer = vertx.setPeriodic(refresh.toMillis(), id -> reload()));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  @Override
  public void keysChanged(String domain) {
    Context c = context;
    if (c != null) {
      c.runOnContext(v -> reload());
    }
  }

  /**
   * Reloads the cache now (a reload already running is followed by another one). Runs on the
   * source's context.
   */
  public Future<Void> reload() {
    if (context != null && Vertx.currentContext() != context) {
      Promise<Void> p = Promise.promise();
      context.runOnContext(v -> reload().onComplete(p));
      return p.future();
    }
    if (inFlight != null) {
      again = true;
      return inFlight;
    }
    inFlight = load().onFailure(e -> LOG.warn("custom key cache refresh failed (keeping the previous one): {}", e.toString()))
        .onComplete(x -> {
          inFlight = null;
          if (again) {
            again = false;
            reload();
          }
        });
    return inFlight;
  }

  private Future<Void> load() {
    return store.inStates(EnumSet.of(KeyState.PENDING, KeyState.ACTIVE, KeyState.DISABLED))
        .compose(records -> {
          // Oldest first: the oldest live key is the domain's key; else its latest disabled one.
          Map<String, DkimKeyRecord> chosen = new HashMap<>();
          for (DkimKeyRecord r : records) {
            DkimKeyRecord prev = chosen.get(r.domain());
            if (prev == null || (!prev.state().live() && (r.state().live() || r.createdAt().isAfter(prev.createdAt())))) {
              chosen.put(r.domain(), r);
            }
          }
          List<Future<Map.Entry<String, Entry>>> entries = new ArrayList<>();
          for (DkimKeyRecord r : chosen.values()) {
            entries.add(entry(r).map(e -> Map.entry(r.domain(), e)));
          }
          return Future.join(entries).map(cf -> {
            Map<String, Entry> next = new HashMap<>();
            for (Future<Map.Entry<String, Entry>> f : entries) {
              next.put(f.result().getKey(), f.result().getValue());
            }
            parsed.keySet().retainAll(chosen.values().stream()
                .filter(r -> r.state() == KeyState.ACTIVE).map(DkimKeyRecord::id).toList());
            byDomain = Map.copyOf(next);
            return null;
          });
        });
  }

  private Future<Entry> entry(DkimKeyRecord r) {
    if (r.state() != KeyState.ACTIVE) {
      return Future.succeededFuture(new Entry(r.state(), r.selector(), null));
    }
    SigningKey known = parsed.get(r.id());
    if (known != null) {
      return Future.succeededFuture(new Entry(KeyState.ACTIVE, r.selector(), known));
    }
    return workers.executeBlocking(() -> unseal(r), false)
        .map(k -> {
          parsed.put(r.id(), k);
          return new Entry(KeyState.ACTIVE, r.selector(), k);
        })
        .recover(e -> {
          LOG.error("custom key unavailable, signing with the shared key only: domain={} selector={} reason={}",
              r.domain(), r.selector(), e.getClass().getSimpleName());
          return Future.succeededFuture(new Entry(KeyState.ACTIVE, r.selector(), null));
        });
  }

  private SigningKey unseal(DkimKeyRecord r) throws Exception {
    if (r.privateKey() == null) {
      throw new IllegalStateException("no private key stored");
    }
    byte[] pkcs8 = encryption.decrypt(r.domain(), r.selector(), r.privateKey());
    try {
      PrivateKey pk = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      return new SigningKey(r.domain(), r.selector(), DkimKind.CUSTOM, pk);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  @Override
  public Future<Selection> keysFor(String accountDomain, String fromDomain) {
    String account = accountDomain == null ? "" : accountDomain.toLowerCase(Locale.ROOT);
    String from = fromDomain == null ? "" : fromDomain.toLowerCase(Locale.ROOT);
    Entry e = byDomain.get(account);
    return shared.keysFor(accountDomain, fromDomain).map(s -> {
      if (e == null) {
        return s;
      }
      Optional<CustomSkipReason> skip = switch (e.state()) {
        case PENDING -> Optional.of(CustomSkipReason.PENDING);
        case DISABLED -> Optional.of(CustomSkipReason.DISABLED);
        case ACTIVE -> !from.equals(account) ? Optional.of(CustomSkipReason.FROM_MISMATCH)
            : e.key() == null ? Optional.of(CustomSkipReason.KEY_UNAVAILABLE) : Optional.empty();
        default -> Optional.empty();
      };
      if (skip.isPresent() || e.key() == null) {
        return new Selection(s.keys(), skip);
      }
      List<SigningKey> keys = new ArrayList<>();
      keys.add(e.key());
      keys.addAll(s.keys());
      return new Selection(keys, Optional.empty());
    });
  }

  /** The cached state of a domain (tests and diagnostics). */
  public Optional<KeyState> cachedState(String domain) {
    return Optional.ofNullable(byDomain.get(domain)).map(Entry::state);
  }
}
