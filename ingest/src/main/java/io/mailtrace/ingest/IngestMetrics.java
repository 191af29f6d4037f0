package io.mailtrace.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** The ingest meters; {@code mailtrace.ingest.indexed} as a rate is indexed/s. */
final class IngestMetrics {
  final Counter indexed;
  final Counter duplicates;
  final Counter itemRetries;
  final Counter batchRetries;
  final Counter deadLettered;
  final Counter retentionDeleted;
  final AtomicLong lagBytes = new AtomicLong();
  final AtomicLong lagRecords = new AtomicLong();
  /** 1 while Elasticsearch refuses writes with a block (read-only index, flood-stage disk), else 0. */
  final AtomicLong blocked = new AtomicLong();

  IngestMetrics(MeterRegistry registry) {
    indexed = Counter.builder("mailtrace.ingest.indexed").description("records newly indexed").register(registry);
    duplicates = Counter.builder("mailtrace.ingest.duplicates").description("records already indexed (409 on create)").register(registry);
    itemRetries = Counter.builder("mailtrace.ingest.retries").tag("scope", "item").description("records sent again after 429/5xx/cluster block").register(registry);
    batchRetries = Counter.builder("mailtrace.ingest.retries").tag("scope", "request").description("bulk requests sent again after a whole-request failure").register(registry);
    deadLettered = Counter.builder("mailtrace.ingest.dead.lettered").description("records written to the dead-letter file").register(registry);
    retentionDeleted = Counter.builder("mailtrace.ingest.retention.deleted").description("weekly trace indices deleted by retention").register(registry);
    Gauge.builder("mailtrace.ingest.lag.bytes", lagBytes, AtomicLong::get).baseUnit("bytes")
        .description("journal bytes not yet acknowledged").register(registry);
    Gauge.builder("mailtrace.ingest.lag.records", lagRecords, AtomicLong::get)
        .description("journal records not yet acknowledged (unread part estimated from the mean record size)").register(registry);
    Gauge.builder("mailtrace.ingest.blocked", blocked, AtomicLong::get)
        .description("1 while Elasticsearch refuses writes with a cluster/index block (records are held and retried)").register(registry);
  }
}
