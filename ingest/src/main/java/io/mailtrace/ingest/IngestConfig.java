package io.mailtrace.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed configuration of the ingest pipeline.
 *
 * @param elasticsearchUrls base URLs of Elasticsearch nodes (requests rotate over them)
 * @param batchMaxRecords a bulk request holds at most this many records
 * @param batchMaxBytes ... and about this many bytes of documents
 * @param linger a partial batch waits at most this long for more records before it is sent
 * @param maxInFlightBatches bulk requests outstanding at once (pipelining journal reads with bulks)
 * @param pollInterval how often an idle pipeline looks for new journal records
 * @param requestTimeout a bulk request with no response for this long counts as failed (retried)
 * @param retryBase first retry delay bound (full jitter: a uniform delay in [0, bound])
 * @param retryMax upper bound of any retry delay
 * @param replicas {@code number_of_replicas} written into the installed index template
 * @param retentionDays records are kept at least this many days (see {@link Retention})
 * @param retentionInterval how often retention runs
 * @param deadLetterFile NDJSON file receiving records Elasticsearch refused for good, with the reason
 */
public record IngestConfig(
    List<String> elasticsearchUrls,
    int batchMaxRecords,
    long batchMaxBytes,
    Duration linger,
    int maxInFlightBatches,
    Duration pollInterval,
    Duration requestTimeout,
    Duration retryBase,
    Duration retryMax,
    int replicas,
    int retentionDays,
    Duration retentionInterval,
    Path deadLetterFile) {

  public IngestConfig {
    elasticsearchUrls = elasticsearchUrls == null ? List.of() : List.copyOf(elasticsearchUrls);
  }

  /**
   * Defaults: 1,000 records (about 600 KB of trace JSON) or 4 MiB per bulk, 200 ms linger, 2 bulks in
   * flight (one being indexed while the next is read from the journal and built). Checked with
   * {@code bench/ingest/run}: with these values journal → Elasticsearch reached 0.94 of a raw
   * {@code _bulk} loader using the same batch size and concurrency (see the ingest ADR/report for
   * the conditions). Elasticsearch's own guidance puts bulk sweet spots at a few MB per request.
   */
  public static IngestConfig defaults(String elasticsearchUrl, Path deadLetterFile) {
    return new IngestConfig(List.of(elasticsearchUrl), 1000, 4L << 20, Duration.ofMillis(200), 2,
        Duration.ofMillis(50), Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(10),
        0, 30, Duration.ofHours(1), deadLetterFile);
  }

  public IngestConfig withBatch(int maxRecords, long maxBytes, Duration linger) {
    return new IngestConfig(elasticsearchUrls, maxRecords, maxBytes, linger, maxInFlightBatches, pollInterval, requestTimeout,
        retryBase, retryMax, replicas, retentionDays, retentionInterval, deadLetterFile);
  }

  public IngestConfig withMaxInFlightBatches(int n) {
    return new IngestConfig(elasticsearchUrls, batchMaxRecords, batchMaxBytes, linger, n, pollInterval, requestTimeout,
        retryBase, retryMax, replicas, retentionDays, retentionInterval, deadLetterFile);
  }

  public IngestConfig withRetry(Duration base, Duration max, Duration requestTimeout) {
    return new IngestConfig(elasticsearchUrls, batchMaxRecords, batchMaxBytes, linger, maxInFlightBatches, pollInterval, requestTimeout,
        base, max, replicas, retentionDays, retentionInterval, deadLetterFile);
  }

  public IngestConfig withRetention(int days, Duration interval) {
    return new IngestConfig(elasticsearchUrls, batchMaxRecords, batchMaxBytes, linger, maxInFlightBatches, pollInterval, requestTimeout,
        retryBase, retryMax, replicas, days, interval, deadLetterFile);
  }

  /** Every problem at once, each naming the key and the value; empty when valid. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (elasticsearchUrls.isEmpty()) {
      errors.add("ingest.elasticsearch-urls: at least one URL is needed");
    }
    for (String u : elasticsearchUrls) {
      if (!u.startsWith("http://") && !u.startsWith("https://")) {
        errors.add("ingest.elasticsearch-urls: '" + u + "' is not an http(s) URL");
      }
    }
    if (batchMaxRecords < 1) {
      errors.add("ingest.batch-max-records: " + batchMaxRecords + " must be positive");
    }
    if (batchMaxBytes < 1024) {
      errors.add("ingest.batch-max-bytes: " + batchMaxBytes + " is below 1024");
    }
    positive(errors, "ingest.linger", linger, true);
    if (maxInFlightBatches < 1) {
      errors.add("ingest.max-in-flight-batches: " + maxInFlightBatches + " must be positive");
    }
    positive(errors, "ingest.poll-interval", pollInterval, false);
    positive(errors, "ingest.request-timeout", requestTimeout, false);
    positive(errors, "ingest.retry-base", retryBase, false);
    positive(errors, "ingest.retry-max", retryMax, false);
    if (retryBase != null && retryMax != null && retryMax.compareTo(retryBase) < 0) {
      errors.add("ingest.retry-max: " + retryMax + " is below ingest.retry-base " + retryBase);
    }
    if (replicas < 0) {
      errors.add("ingest.replicas: " + replicas + " must not be negative");
    }
    if (retentionDays < 1) {
      errors.add("ingest.retention-days: " + retentionDays + " must be at least 1");
    }
    positive(errors, "ingest.retention-interval", retentionInterval, false);
    if (deadLetterFile == null) {
      errors.add("ingest.dead-letter-file: missing");
    }
    return errors;
  }

  private static void positive(List<String> errors, String key, Duration d, boolean zeroOk) {
    if (d == null) {
      errors.add(key + ": missing");
    } else if (d.isNegative() || (!zeroOk && d.isZero())) {
      errors.add(key + ": " + d + " must be positive");
    }
  }
}
