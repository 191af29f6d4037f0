package io.mailtrace.ingest;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * The Elasticsearch operations ingest needs (our port; the real implementation talks HTTP, tests
 * of the pipeline logic use fakes). Futures complete on the caller's event loop.
 */
public interface TraceStore {
  /**
   * Sends one NDJSON {@code _bulk} body of {@code items} actions. A failed future means the whole
   * request failed without an answer (refused, reset, timeout); an HTTP answer — even 413 or 5xx —
   * is a {@link BulkResponse}.
   */
  Future<BulkResponse> bulk(Buffer body, int items);

  /** Installs (or replaces) the trace index template with the given replica count. */
  Future<Void> installTemplate(int replicas);

  /** Names of the existing weekly trace indices. */
  Future<List<String>> traceIndices();

  /** Deletes one index by its exact name. */
  Future<Void> deleteIndex(String name);

  /** Segment count of each weekly trace index (primaries). */
  Future<Map<String, Integer>> segmentCounts();

  /** Whether a force merge is running anywhere in the cluster. */
  Future<Boolean> forceMergeRunning();

  /**
   * Starts merging one index (exact name) into a single segment and returns once Elasticsearch
   * has accepted the task, not when it finishes (a big day takes minutes).
   */
  Future<Void> startForceMerge(String name);

  /** An HTTP answer to a bulk request; {@code items} is empty unless the status is 2xx. */
  record BulkResponse(int status, String body, List<ItemResult> items) {}

  /** Elasticsearch's verdict on one bulk item, in request order. */
  record ItemResult(int status, String errorType, String errorReason) {}
}
