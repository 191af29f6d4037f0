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

/**
 * A Vert.x instance with its Prometheus registry: Vert.x's own metrics (event loops, net and
 * HTTP servers, pools) and every module's meters land in the same registry, which the api role
 * serves at {@code /metrics}.
 */
public record VertxRuntime(Vertx vertx, MeterRegistry registry) {

  public static VertxRuntime create(boolean metricsEnabled) {
    if (!metricsEnabled) {
      return new VertxRuntime(Vertx.vertx(), new SimpleMeterRegistry());
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    return new VertxRuntime(vertx, registry);
  }

  /** The Prometheus text exposition, or empty when metrics are off. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
  }
}
