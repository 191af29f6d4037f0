package io.mailtrace.app.wiring;

import io.mailtrace.api.ApiConfig;
import io.mailtrace.api.ApiRoutes;
import io.mailtrace.api.ApiVerticle;
import io.mailtrace.api.dkim.DkimRoutes;
import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.ingest.IngestVerticle;
import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.model.DkimKind;
import io.mailtrace.signer.accounts.AccountAuthenticator;
import io.mailtrace.signer.accounts.AccountStore;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.DkimMessageSigner;
import io.mailtrace.signer.dkim.PemKeys;
import io.mailtrace.signer.dkim.SharedKeySource;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.keys.CustomKeySource;
import io.mailtrace.signer.keys.DkimKeyServiceImpl;
import io.mailtrace.signer.keys.DnsChecker;
import io.mailtrace.signer.keys.DnsjavaTxtResolver;
import io.mailtrace.signer.keys.EsKeyStore;
import io.mailtrace.signer.keys.KeyEncryption;
import io.mailtrace.signer.keys.KeyGenerator;
import io.mailtrace.signer.keys.KeyLifecycle;
import io.mailtrace.signer.keys.KeyLifecycleVerticle;
import io.mailtrace.signer.keys.KeysConfig;
import io.mailtrace.signer.smtp.SignerDeployment;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that builds the modules' objects from their config records and deploys their
 * verticles. Each {@code deploy*} completes with the deployment id. Blocking set-up (PEM and
 * master-key files, the account store's Argon2id warm-up) runs on a worker via
 * {@code executeBlocking}, never on an event loop.
 */
public final class ModuleWiring {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleWiring.class);

  private final Vertx vertx;
  private final MailtraceConfig config;
  private final MeterRegistry registry;
  private final Supplier<String> metricsText;
  private final Clock clock = Clock.systemUTC();

  private FileJournal journal;
  private EsKeyStore keyStore;
  private KeyEncryption encryption;
  private DkimKeyServiceImpl keyService;
  private CustomKeySource keySource;
  private DkimMessageSigner messageSigner;
  private WorkerExecutor workers;

  /** More API route groups (e.g. the custom DKIM panel) added by {@link #addApiRoutes}. */
  private final List<ApiRoutes> apiRoutes = new ArrayList<>();

  public ModuleWiring(Vertx vertx, MailtraceConfig config, MeterRegistry registry, Supplier<String> metricsText) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.metricsText = metricsText;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Route groups mounted by the api role under /api/v1, in addition to Mail Sent and audit. */
  public void addApiRoutes(ApiRoutes routes) {
    apiRoutes.add(routes);
  }

  private WorkerExecutor workers() {
    if (workers == null) {
      // Argon2id, RSA key generation, file reads: CPU or blocking work off the event loops.
      workers = vertx.createSharedWorkerExecutor("mailtrace-app", Math.max(2, Runtime.getRuntime().availableProcessors()));
    }
    return workers;
  }

  /** Opens the journal this node's signer appends to (the writer; ingest reads the files itself). */
  public Future<Void> openJournal(boolean signer) {
    if (!signer) {
      return Future.succeededFuture();
    }
    JournalConfig jc = ModuleConfigs.journal(config);
    return FileJournal.open(vertx, jc, registry)
        .onSuccess(j -> {
          journal = j;
          LOG.info("journal open at {}", jc.directory());
        })
        .mapEmpty();
  }

  public Future<String> deployIngest() {
    return vertx.deployVerticle(new IngestVerticle(ModuleConfigs.ingest(config), ModuleConfigs.journal(config), registry));
  }

  /**
   * The custom key store and service shared by the signer (cache of active keys) and the api
   * (control panel); the lifecycle verticle (automatic DNS re-checks, expiry) runs where the api
   * runs. Keys live in Elasticsearch, so every node sees the same truth.
   */
  public Future<String> deployKeys(boolean lifecycle) {
    KeysConfig kc = ModuleConfigs.keys(config);
    keyStore = new EsKeyStore(vertx, kc.esUrl(), kc.index());
    return workers().executeBlocking(() -> KeyEncryption.fromFile(kc.masterKeyFile()), false)
        .compose(enc -> {
          encryption = enc;
          keyService = new DkimKeyServiceImpl(keyStore, new KeyGenerator(workers(), clock), enc,
              new DnsChecker(new DnsjavaTxtResolver(vertx, kc.resolvers(), kc.dnsTimeout()), clock), kc, clock);
          return ensureKeyIndex(20);
        })
        .compose(v -> lifecycle
            ? vertx.deployVerticle(new KeyLifecycleVerticle(new KeyLifecycle(keyService, clock), kc))
            : Future.succeededFuture((String) null));
  }

  /** Elasticsearch may still be starting (compose, dev): retry the index creation for a while. */
  private Future<Void> ensureKeyIndex(int attemptsLeft) {
    return keyStore.ensureIndex().recover(e -> {
      if (attemptsLeft <= 1) {
        return Future.failedFuture(new IllegalStateException("cannot create the DKIM key index in Elasticsearch at "
            + config.elasticsearch().url() + ": " + e.getMessage(), e));
      }
      LOG.warn("DKIM key index not ready ({}); retrying", e.getMessage());
      return Future.<Void>future(p -> vertx.setTimer(3000, id -> p.complete())).compose(v -> ensureKeyIndex(attemptsLeft - 1));
    });
  }

  /** The SMTP relay: {@code signer.instances} verticles sharing the port, one account store and key cache. */
  public Future<String> deploySigner() {
    SignerConfig sc = ModuleConfigs.signer(config);
    messageSigner = new DkimMessageSigner(vertx);
    return workers().executeBlocking(() -> new Object[] {
            PemKeys.readPrivateKey(sc.sharedKey().keyPath()), AccountStore.open(sc.accountsFile())}, false)
        .compose(loaded -> {
          SigningKey shared = new SigningKey(sc.sharedKey().domain(), sc.sharedKey().selector(), DkimKind.SHARED,
              (java.security.PrivateKey) loaded[0]);
          AccountStore accounts = (AccountStore) loaded[1];
          keySource = new CustomKeySource(vertx, keyStore, encryption, new SharedKeySource(shared), workers(),
              ModuleConfigs.keys(config).cacheRefresh());
          // A change made through this node's api applies at once, not at the next refresh.
          keyService.addListener(keySource);
          AccountAuthenticator auth = new AccountAuthenticator(accounts, sc.trustedNetworks(), workers());
          return keySource.start().compose(v -> SignerDeployment.deploy(vertx, sc, auth, messageSigner, keySource, journal));
        });
  }

  public Future<String> deployApi() {
    ApiConfig ac = ModuleConfigs.api(config);
    List<ApiRoutes> routes = new ArrayList<>(apiRoutes);
    // The Custom DKIM panel: the key service is built by deployKeys() earlier in the chain.
    routes.add(new DkimRoutes(keyService));
    return vertx.deployVerticle(new ApiVerticle(ac, routes, metricsText));
  }

  /** {@code /metrics} and {@code /health} on {@code metrics.listen} (nodes without the api role). */
  public Future<String> deployMetrics() {
    MailtraceConfig.Listen l = config.metricsListen();
    return vertx.deployVerticle(new MetricsVerticle(l.host(), l.port(), metricsText));
  }

  /** The key service, for api routes of the custom DKIM panel; null before {@link #deployKeys}. */
  public DkimKeyServiceImpl keyService() {
    return keyService;
  }

  /** Closes what the modules opened, after every verticle is undeployed (the journal last). */
  public Future<Void> close() {
    if (keySource != null) {
      keySource.stop();
    }
    Future<Void> f = messageSigner == null ? Future.succeededFuture() : messageSigner.close();
    return f.eventually(() -> {
      if (journal != null) {
        return workers().executeBlocking(() -> {
          journal.close();
          return null;
        }, false).mapEmpty();
      }
      return Future.succeededFuture();
    }).eventually(() -> workers == null ? Future.succeededFuture() : workers.close()).mapEmpty();
  }
}
