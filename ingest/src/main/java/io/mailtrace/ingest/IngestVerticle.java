package io.mailtrace.ingest;

import io.mailtrace.journal.JournalCheckpoint;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalReader;
import io.mailtrace.model.TraceIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest role: installs the index template, ships the journal into Elasticsearch
 * ({@link IngestPipeline}), deletes weekly indices past retention and merges past weeks into one
 * segment ({@link Compaction}). One instance per journal.
 * All blocking work runs on the named worker pool {@code mailtrace-ingest}.
 */
public final class IngestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);
  private static final int TEMPLATE_ATTEMPTS = 12;
  /** How often compaction looks for a past week to merge (two cheap GETs when there is none). */
  static final java.time.Duration COMPACTION_INTERVAL = java.time.Duration.ofMinutes(5);

  private final IngestConfig config;
  private final JournalConfig journal;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Backoff backoff;
  private final Function<io.vertx.core.Vertx, TraceStore> storeFactory;

  private TraceStore store;
  private WorkerExecutor worker;
  private JournalReader reader;
  private DeadLetterFile deadLetters;
  private IngestPipeline pipeline;
  private IngestMetrics metrics;
  private long retentionTimer = -1;
  private long compactionTimer = -1;

  public IngestVerticle(IngestConfig config, JournalConfig journal, MeterRegistry registry) {
    this(config, journal, registry, Clock.systemUTC(), Backoff.withRandomJitter(config.retryBase(), config.retryMax()), null);
  }

  /** With an injected clock (retention, linger), backoff (jitter source) and store (null: HTTP to Elasticsearch). */
  public IngestVerticle(IngestConfig config, JournalConfig journal, MeterRegistry registry, Clock clock, Backoff backoff,
      Function<io.vertx.core.Vertx, TraceStore> storeFactory) {
    this.config = config;
    this.journal = journal;
    this.registry = registry;
    this.clock = clock;
    this.backoff = backoff;
    this.storeFactory = storeFactory;
  }

  @Override
  public Future<?> start() {
    return validate()
        .compose(v -> {
          worker = vertx.createSharedWorkerExecutor("mailtrace-ingest", 2);
          store = storeFactory != null ? storeFactory.apply(vertx)
              : new ElasticsearchTraceStore(vertx, config.elasticsearchUrls(), config.requestTimeout(), config.maxInFlightBatches() + 1);
          reader = new JournalReader(journal);
          deadLetters = new DeadLetterFile(config.deadLetterFile(), clock);
          return installTemplate(0);
        })
        .compose(v -> {
          metrics = new IngestMetrics(registry);
          pipeline = new IngestPipeline(vertx, config, store, reader, new JournalCheckpoint(journal.checkpointFile()),
              deadLetters, backoff, metrics, worker, clock);
          return pipeline.start();
        })
        .onSuccess(p -> {
          runRetention();
          retentionTimer = vertx.setPeriodic(config.retentionInterval().toMillis(), t -> runRetention());
          compactionTimer = vertx.setPeriodic(COMPACTION_INTERVAL.toMillis(), t -> runCompaction());
        });
  }

  private Future<Void> validate() {
    List<String> errors = config.validate();
    errors.addAll(journal.validate());
    return errors.isEmpty() ? Future.succeededFuture() : Future.failedFuture(new IllegalArgumentException("invalid ingest configuration: " + String.join("; ", errors)));
  }

  /** Elasticsearch may still be starting: retry with backoff, then fail the deployment. */
  private Future<Void> installTemplate(int attempt) {
    return store.installTemplate(config.replicas())
        .onSuccess(v -> LOG.info("ingest: index template {} installed ({} replicas)", TraceIndex.TEMPLATE_NAME, config.replicas()))
        .recover(e -> {
          if (attempt + 1 >= TEMPLATE_ATTEMPTS) {
            return Future.failedFuture(new IllegalStateException("could not install the index template: " + e.getMessage(), e));
          }
          LOG.warn("ingest: installing the index template failed ({}); retrying", e.toString());
          Promise<Void> p = Promise.promise();
          vertx.setTimer(Math.max(backoff.ceilingMillis(attempt), 250), t -> installTemplate(attempt + 1).onComplete(p));
          return p.future();
        });
  }

  /** Deletes weekly indices past retention, one exact name at a time. */
  Future<List<String>> runRetention() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
    return store.traceIndices()
        .map(all -> Retention.expired(all, today, config.retentionDays()))
        .compose(expired -> {
          Future<Void> chain = Future.succeededFuture();
          for (String name : expired) {
            chain = chain.compose(v -> store.deleteIndex(name).onSuccess(x -> {
              metrics.retentionDeleted.increment();
              LOG.info("ingest: retention deleted index {}", name);
            }));
          }
          return chain.map(v -> expired);
        })
        .onFailure(e -> LOG.warn("ingest: retention run failed: {}", e.toString()));
  }

  /** The store this ingest talks to (tests watch its merges). */
  TraceStore store() {
    return store;
  }

  /**
   * Starts merging the newest past week that has more than one segment ({@link Compaction}), one
   * index at a time: nothing starts while any force merge runs. Completes with the index whose
   * merge was started, if any.
   */
  Future<Optional<String>> runCompaction() {
    return store.forceMergeRunning()
        .compose(running -> running
            ? Future.succeededFuture(List.<String>of())
            : store.segmentCounts().map(counts -> Compaction.due(counts, clock.instant())))
        .compose(due -> {
          if (due.isEmpty()) {
            return Future.succeededFuture(Optional.<String>empty());
          }
          String name = due.get(0);
          return store.startForceMerge(name).map(v -> {
            LOG.info("ingest: merging past week {} into one segment ({} more to go)", name, due.size() - 1);
            return Optional.of(name);
          });
        })
        .onFailure(e -> LOG.warn("ingest: compaction run failed: {}", e.toString()));
  }

  @Override
  public Future<?> stop() {
    if (retentionTimer >= 0) {
      vertx.cancelTimer(retentionTimer);
    }
    if (compactionTimer >= 0) {
      vertx.cancelTimer(compactionTimer);
    }
    if (worker == null) {
      return Future.succeededFuture();
    }
    Future<Void> stopped = pipeline == null ? Future.succeededFuture() : pipeline.stop();
    return stopped.compose(v -> worker.executeBlocking(() -> {
      reader.close();
      deadLetters.close();
      return null;
    }, false)).onComplete(ar -> {
      if (store instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("ingest: closing the store: {}", e.toString());
        }
      }
      worker.close();
    });
  }
}
