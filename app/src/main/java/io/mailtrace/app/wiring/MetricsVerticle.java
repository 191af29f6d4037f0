package io.mailtrace.app.wiring;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus text at {@code GET /metrics} and liveness at {@code GET /health} for a node that runs
 * no api role (signer, ingest), so its journal use, ingest lag and blocked-index gauge can be
 * scraped. Nothing else is served: every other request gets a JSON 404.
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private final String host;
  private final int port;
  private final Supplier<String> metricsText;
  private HttpServer server;

  /** {@code port} 0 picks a free port (tests); configuration uses 0 to mean "no listener". */
  public MetricsVerticle(String host, int port, Supplier<String> metricsText) {
    this.host = host;
    this.port = port;
    this.metricsText = metricsText;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .requestHandler(this::handle)
        .listen(port, host)
        .onSuccess(s -> {
          server = s;
          LOG.info("metrics listening on http://{}:{}/metrics", host, s.actualPort());
        });
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if (req.method() == HttpMethod.GET && "/metrics".equals(req.path())) {
      req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metricsText.get());
    } else if (req.method() == HttpMethod.GET && "/health".equals(req.path())) {
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("status", "up").toBuffer());
    } else {
      req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("code", "not_found").put("message", "no such route")).toBuffer());
    }
  }
}
