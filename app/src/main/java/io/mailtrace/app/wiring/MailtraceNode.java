package io.mailtrace.app.wiring;

import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.app.config.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one process: deploys the roles of {@link MailtraceConfig#roles()} in
 * dependency order with one flat compose chain — journal, ingest, key lifecycle, signer
 * instances, api — and undeploys them in reverse on {@link #stop()}: SMTP first (stop accepting,
 * let in-flight transactions finish), ingest last (it saves its checkpoint when stopped).
 *
 * <p>Module construction lives in {@link ModuleWiring}; this class only orders it.
 */
public final class MailtraceNode {
  private static final Logger LOG = LoggerFactory.getLogger(MailtraceNode.class);

  private final Vertx vertx;
  private final MailtraceConfig config;
  private final ModuleWiring modules;
  /** Deployment ids, most recent first, so stop() undeploys in reverse order. */
  private final Deque<String> deployments = new ArrayDeque<>();

  public MailtraceNode(Vertx vertx, MailtraceConfig config, ModuleWiring modules) {
    this.vertx = vertx;
    this.config = config;
    this.modules = modules;
  }

  public Future<Void> start() {
    boolean signer = config.roles().contains(Role.SIGNER);
    boolean ingest = config.roles().contains(Role.INGEST);
    boolean api = config.roles().contains(Role.API);
    LOG.info("node {} starting roles {}", config.nodeName(), config.roles());
    return modules.openJournal(signer)
        .compose(v -> ingest ? modules.deployIngest().map(this::remember) : Future.succeededFuture())
        .compose(v -> signer || api ? modules.deployKeys(api).map(this::remember) : Future.succeededFuture())
        .compose(v -> signer ? modules.deploySigner().map(this::remember) : Future.succeededFuture())
        .compose(v -> api ? modules.deployApi().map(this::remember) : Future.succeededFuture())
        // A node without the api role still exposes its metrics (ingest lag, journal use) when asked.
        .compose(v -> !api && config.metricsEnabled() && config.metricsListen().port() > 0
            ? modules.deployMetrics().map(this::remember) : Future.succeededFuture())
        .onSuccess(v -> LOG.info("node {} started", config.nodeName()))
        .mapEmpty();
  }

  private Void remember(String deploymentId) {
    if (deploymentId != null) {
      deployments.push(deploymentId);
    }
    return null;
  }

  /** Undeploys in reverse order of deployment, then closes what the modules opened. */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    while (!deployments.isEmpty()) {
      String id = deployments.pop();
      chain = chain.compose(v -> vertx.undeploy(id)
          .recover(e -> {
            LOG.warn("undeploying {} failed: {}", id, e.getMessage());
            return Future.succeededFuture();
          }));
    }
    return chain.compose(v -> modules.close());
  }
}
