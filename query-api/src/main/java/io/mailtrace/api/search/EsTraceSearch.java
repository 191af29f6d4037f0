package io.mailtrace.api.search;

import io.mailtrace.api.auth.TenantScope;
import io.mailtrace.api.es.EsException;
import io.mailtrace.api.es.EsHttp;
import io.mailtrace.model.TraceIndex;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link TraceSearch} over the Elasticsearch REST API, reading the {@code mailtrace-sent} alias. */
public final class EsTraceSearch implements TraceSearch {
  private static final Logger LOG = LoggerFactory.getLogger(EsTraceSearch.class);
  /** Rows per export page: big enough to amortise round trips, small enough to keep memory flat. */
  static final int EXPORT_PAGE = 1000;
  // A missing alias or day (nothing indexed yet) is an empty result, not an error.
  private static final String LENIENT = "ignore_unavailable=true&allow_no_indices=true";
  private static final String SEARCH = "/" + TraceIndex.ALIAS + "/_search?" + LENIENT;

  private final EsHttp es;

  public EsTraceSearch(EsHttp es) {
    this.es = es;
  }

  @Override
  public Future<SearchPage> search(SearchFilters filters, TenantScope scope, int size, Optional<SortKey> after) {
    return es.postForBody(searchPath(filters), TraceQueries.searchBody(filters, scope, size, after))
        .map(answer -> SearchHitsReader.read(answer, size));
  }

  @Override
  public Future<Optional<JsonObject>> get(String id, TenantScope scope) {
    return es.post(SEARCH, TraceQueries.getBody(id, scope)).map(resp -> {
      JsonArray arr = resp.getJsonObject("hits", new JsonObject()).getJsonArray("hits", new JsonArray());
      return arr.isEmpty() ? Optional.empty() : Optional.of(arr.getJsonObject(0).getJsonObject("_source"));
    });
  }

  @Override
  public Future<Long> export(SearchFilters filters, TenantScope scope, ExportSink sink) {
    return es.post("/" + targets(filters) + "/_pit?keep_alive=2m&" + LENIENT, null)
        .transform(ar -> {
          if (ar.failed() && ar.cause() instanceof EsException e && e.status() == 404) {
            return Future.succeededFuture(Optional.<String>empty());
          }
          return ar.succeeded() ? Future.succeededFuture(Optional.of(ar.result().getString("id"))) : Future.failedFuture(ar.cause());
        })
        .compose(pit -> {
          if (pit.isEmpty()) {
            return Future.succeededFuture(0L);
          }
          AtomicLong rows = new AtomicLong();
          return exportFrom(filters, scope, pit.get(), Optional.empty(), sink, rows)
              .map(v -> rows.get())
              .andThen(ar -> closePit(pit.get()));
        });
  }

  private Future<Void> exportFrom(SearchFilters f, TenantScope scope, String pit, Optional<SortKey> after, ExportSink sink, AtomicLong rows) {
    return es.post("/_search", TraceQueries.exportPageBody(f, scope, pit, EXPORT_PAGE, after)).compose(resp -> {
      JsonArray arr = resp.getJsonObject("hits", new JsonObject()).getJsonArray("hits", new JsonArray());
      if (arr.isEmpty()) {
        return Future.succeededFuture();
      }
      String nextPit = resp.getString("pit_id", pit);
      List<JsonObject> page = new ArrayList<>(arr.size());
      for (int i = 0; i < arr.size(); i++) {
        page.add(arr.getJsonObject(i).getJsonObject("_source"));
      }
      SortKey last = sortKey(arr.getJsonObject(arr.size() - 1));
      rows.addAndGet(page.size());
      boolean more = arr.size() == EXPORT_PAGE;
      // The next page is requested only once the sink has taken this one (back-pressure).
      return sink.write(page).compose(v -> more ? exportFrom(f, scope, nextPit, Optional.of(last), sink, rows) : Future.succeededFuture());
    });
  }

  private void closePit(String pit) {
    es.delete("/_pit", new JsonObject().put("id", pit)).onFailure(e -> LOG.debug("closing a point-in-time failed: {}", e.getMessage()));
  }

  @Override
  public Future<JsonObject> stats(SearchFilters filters, TenantScope scope, Duration interval) {
    return es.post(searchPath(filters), TraceQueries.statsBody(filters, scope, interval)).map(resp -> {
      JsonObject aggs = resp.getJsonObject("aggregations", new JsonObject());
      JsonArray buckets = new JsonArray();
      for (Object o : aggs.getJsonObject("over_time", new JsonObject()).getJsonArray("buckets", new JsonArray())) {
        JsonObject b = (JsonObject) o;
        buckets.add(new JsonObject()
            .put("start", Instant.ofEpochMilli(b.getLong("key")).toString())
            .put("count", b.getLong("doc_count"))
            .put("by_status", statusCounts(b.getJsonObject("by_status")))
            .put("by_dkim", dkimCounts(b.getJsonObject("by_dkim"))));
      }
      JsonArray top = new JsonArray();
      for (Object o : aggs.getJsonObject("top_accounts", new JsonObject()).getJsonArray("buckets", new JsonArray())) {
        JsonObject b = (JsonObject) o;
        top.add(new JsonObject().put("account", b.getString("key")).put("count", b.getLong("doc_count")));
      }
      // Empty store (no index yet): there are no aggregations at all.
      return new JsonObject()
          .put("from", filters.from().toString())
          .put("to", filters.to().toString())
          .put("interval", StatsIntervals.label(interval))
          .put("total", resp.getJsonObject("hits", new JsonObject()).getJsonObject("total", new JsonObject()).getLong("value", 0L))
          .put("by_status", statusCounts(aggs.getJsonObject("by_status")))
          .put("by_dkim", dkimCounts(aggs.getJsonObject("by_dkim")))
          .put("top_accounts", top)
          .put("over_time", buckets);
    });
  }

  private static JsonObject statusCounts(JsonObject terms) {
    JsonObject out = new JsonObject();
    for (io.mailtrace.model.TraceStatus s : io.mailtrace.model.TraceStatus.values()) {
      out.put(s.wireName(), 0L);
    }
    if (terms != null) {
      for (Object o : terms.getJsonArray("buckets", new JsonArray())) {
        JsonObject b = (JsonObject) o;
        out.put(b.getString("key"), b.getLong("doc_count"));
      }
    }
    return out;
  }

  private static JsonObject dkimCounts(JsonObject filters) {
    JsonObject buckets = filters == null ? new JsonObject() : filters.getJsonObject("buckets", new JsonObject());
    return new JsonObject()
        .put("custom", buckets.getJsonObject("custom", new JsonObject()).getLong("doc_count", 0L))
        .put("shared_only", buckets.getJsonObject("shared_only", new JsonObject()).getLong("doc_count", 0L));
  }

  @Override
  public Future<Void> ping() {
    return es.get("/_cluster/health?timeout=2s").mapEmpty();
  }

  /** Only the weekly indices the time range touches (the range filter stays in the query). */
  static String targets(SearchFilters filters) {
    return String.join(",", TraceIndex.searchTargets(filters.from(), filters.to()));
  }

  private static String searchPath(SearchFilters filters) {
    return "/" + targets(filters) + "/_search?" + LENIENT;
  }

  private static SortKey sortKey(JsonObject hit) {
    JsonArray sort = hit.getJsonArray("sort");
    return new SortKey(sort.getLong(0), sort.getString(1));
  }
}
