package io.mailtrace.app.wiring;

import io.mailtrace.app.config.MailtraceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns {@link MailtraceConfig} sections into each module's own config type
 * and builds its verticles. Each {@code deploy*} completes with the deployment id (or
 * {@code null} when nothing was deployed).
 */
public final class ModuleWiring {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleWiring.class);

  private final Vertx vertx;
  private final MailtraceConfig config;
  private final MeterRegistry registry;

  public ModuleWiring(Vertx vertx, MailtraceConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Opens the journal shared by the signer (writer) and ingest (reader) of this node. */
  public Future<Void> openJournal(boolean needed) {
    if (!needed) {
      return Future.succeededFuture();
    }
    return missing("journal");
  }

  public Future<String> deployIngest() {
    return missing("ingest");
  }

  public Future<String> deployKeyLifecycle() {
    return missing("keys");
  }

  public Future<String> deploySigner() {
    return missing("signer");
  }

  public Future<String> deployApi() {
    return missing("api");
  }

  /** Closes what {@link #openJournal} opened, after every verticle is undeployed. */
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private <T> Future<T> missing(String module) {
    LOG.warn("the {} module is not part of this build yet; skipping it", module);
    return Future.succeededFuture();
  }

  Vertx vertx() {
    return vertx;
  }

  MailtraceConfig config() {
    return config;
  }
}
