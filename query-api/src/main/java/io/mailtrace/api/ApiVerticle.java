package io.mailtrace.api;

import io.mailtrace.api.audit.EsAuditLog;
import io.mailtrace.api.es.EsHttp;
import io.mailtrace.api.es.EsUnavailableException;
import io.mailtrace.api.search.CursorCodec;
import io.mailtrace.api.search.EsTraceSearch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API role: HTTP server with the {@link ApiRouter}. Deploy one instance per event loop if
 * wanted (Vert.x shares the port). Start fails fast on invalid config or an unusable audit index.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  /**
   * The shortest slice Linux grants: an event loop runs tens of microseconds per wake-up, and on
   * cores shared with Elasticsearch it should not queue behind a search thread's slice (see
   * {@link SchedulerSlice} and docs/adr/0008-event-loop-scheduler-slice.md for the measurements).
   */
  static final java.time.Duration EVENT_LOOP_SLICE = SchedulerSlice.MIN;

  private final ApiConfig config;
  private final List<ApiRoutes> extensions;
  private final Supplier<String> metrics;
  private EsHttp es;
  private HttpServer server;

  /**
   * @param extensions more route groups under /api/v1 (e.g. custom DKIM)
   * @param metrics Prometheus text exposition for {@code GET /metrics}; null serves an empty page
   */
  public ApiVerticle(ApiConfig config, List<ApiRoutes> extensions, Supplier<String> metrics) {
    this.config = config;
    this.extensions = List.copyOf(extensions);
    this.metrics = metrics;
  }

  public ApiVerticle(ApiConfig config) {
    this(config, List.of(), null);
  }

  @Override
  public Future<?> start() {
    List<String> errors = config.validate();
    if (!errors.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("invalid API config: " + String.join("; ", errors)));
    }
    // start() runs on this verticle's event loop: the thread that serves its requests.
    SchedulerSlice.Outcome slice = SchedulerSlice.request(EVENT_LOOP_SLICE);
    LOG.info("API event loop {}: {}", Thread.currentThread().getName(),
        slice.applied() ? "scheduler " + slice.detail() : "kernel's own scheduler slice (" + slice.detail() + ")");
    es = new EsHttp(vertx, config.elasticsearchUrls(), config.elasticsearchTimeout());
    EsAuditLog audit = new EsAuditLog(es);
    ApiServices services = new ApiServices(vertx, config, Clock.systemUTC(), new EsTraceSearch(es), audit, new CursorCodec(config.jwtSecret()));
    // Elasticsearch may come up after us: the audit template is then installed on first use.
    return audit.init()
        .recover(e -> {
          if (e instanceof EsUnavailableException) {
            LOG.warn("Elasticsearch unavailable at start ({}); the API answers 503 until it is back", e.getMessage());
            return Future.succeededFuture();
          }
          return Future.failedFuture(e);
        })
        .compose(v -> vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                .setCompressionSupported(true).setTcpNoDelay(true))
            .requestHandler(ApiRouter.build(services, extensions, metrics).root())
            .listen())
        .onSuccess(s -> {
          server = s;
          LOG.info("API listening on http://{}:{}/ (Elasticsearch {})", config.host(), s.actualPort(), config.elasticsearchUrls());
        });
  }

  /** The bound port (useful with port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (es != null) {
      es.close();
    }
    return Future.succeededFuture();
  }
}
