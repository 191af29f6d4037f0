package io.mailtrace.api.search;

import io.mailtrace.api.auth.TenantScope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * Our port to the trace store. Every method takes the caller's {@link TenantScope} and applies
 * it as a filter clause, so no caller can reach records outside it whatever the filters say.
 * Implementations are non-blocking; futures complete on the caller's context. Failures are
 * {@link io.mailtrace.api.es.EsUnavailableException} (→ 503) or other runtime exceptions (→ 500).
 */
public interface TraceSearch {

  /** Newest first, {@code size} items after {@code after} (exclusive). */
  Future<SearchPage> search(SearchFilters filters, TenantScope scope, int size, Optional<SortKey> after);

  /** The whole record as stored (snake_case JSON), if it exists inside the scope. */
  Future<Optional<JsonObject>> get(String id, TenantScope scope);

  /**
   * Streams every matching record (full documents), newest first, over a point-in-time so the
   * result is consistent, in pages handed to {@code sink} one at a time. Completes with the row count.
   */
  Future<Long> export(SearchFilters filters, TenantScope scope, ExportSink sink);

  /** Counts over time (by status and DKIM kind) and top accounts; shape in the OpenAPI document. */
  Future<JsonObject> stats(SearchFilters filters, TenantScope scope, Duration interval);

  /** Succeeds when the store answers. */
  Future<Void> ping();
}
