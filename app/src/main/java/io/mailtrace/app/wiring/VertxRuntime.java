package io.mailtrace.app.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x instance with its Prometheus registry: Vert.x's own metrics (event loops, net and
 * HTTP servers, pools) and every module's meters land in the same registry, which the api role
 * serves at {@code /metrics}.
 */
public record VertxRuntime(Vertx vertx, MeterRegistry registry) {
  private static final Logger LOG = LoggerFactory.getLogger(VertxRuntime.class);

  public static VertxRuntime create(boolean metricsEnabled) {
    // Native epoll on Linux: together with one SMTP event loop per two cores it took about a
    // fifth off the relay's event-loop CPU per message (alone it measured no better than NIO);
    // elsewhere, or without the library, Vert.x stays on NIO.
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    if (!metricsEnabled) {
      return logTransport(new VertxRuntime(Vertx.vertx(options), new SimpleMeterRegistry()));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    Vertx vertx = Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    return logTransport(new VertxRuntime(vertx, registry));
  }

  private static VertxRuntime logTransport(VertxRuntime rt) {
    if (rt.vertx.isNativeTransportEnabled()) {
      LOG.info("network transport: native epoll");
    } else {
      LOG.info("network transport: NIO (native epoll unavailable: {})", String.valueOf(rt.vertx.unavailableNativeTransportCause()));
    }
    return rt;
  }

  /** The Prometheus text exposition, or empty when metrics are off. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
  }
}
