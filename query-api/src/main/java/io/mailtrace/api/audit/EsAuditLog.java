package io.mailtrace.api.audit;

import io.mailtrace.api.es.EsHttp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** {@link AuditLog} in the Elasticsearch index {@value #INDEX}, with its own strict mapping. */
public final class EsAuditLog implements AuditLog {
  public static final String INDEX = "mailtrace-audit";
  static final JsonObject MAPPING = new JsonObject()
      .put("settings", new JsonObject().put("number_of_shards", 1).put("number_of_replicas", 0))
      .put("mappings", new JsonObject()
          .put("dynamic", "strict")
          .put("properties", new JsonObject()
              .put("@timestamp", new JsonObject().put("type", "date"))
              .put("sub", new JsonObject().put("type", "keyword"))
              .put("role", new JsonObject().put("type", "keyword"))
              .put("route", new JsonObject().put("type", "keyword"))
              .put("params", new JsonObject().put("type", "keyword").put("ignore_above", 1024))
              .put("result_count", new JsonObject().put("type", "long"))));

  private final EsHttp es;

  public EsAuditLog(EsHttp es) {
    this.es = es;
  }

  private volatile boolean templateInstalled;

  /**
   * Installs an index template for {@value #INDEX} (idempotent), so that the index, whenever it is
   * auto-created by the first write, gets the strict mapping and never a dynamic one.
   */
  @Override
  public Future<Void> init() {
    JsonObject template = new JsonObject()
        .put("index_patterns", new JsonArray().add(INDEX))
        .put("priority", 100)
        .put("template", MAPPING);
    return es.put("/_index_template/" + INDEX, template).<Void>mapEmpty().onSuccess(v -> templateInstalled = true);
  }

  @Override
  public Future<Void> record(AuditEntry entry) {
    Future<Void> ready = templateInstalled ? Future.succeededFuture() : init();
    return ready.compose(v -> es.post("/" + INDEX + "/_doc", entry.toJson())).mapEmpty();
  }

  @Override
  public Future<JsonObject> list(Instant from, Instant to, String subject, int size) {
    JsonArray filter = new JsonArray().add(new JsonObject().put("range", new JsonObject().put("@timestamp", new JsonObject()
        .put("gte", from.toEpochMilli()).put("lt", to.toEpochMilli()).put("format", "epoch_millis"))));
    if (subject != null) {
      filter.add(new JsonObject().put("term", new JsonObject().put("sub", subject)));
    }
    JsonObject body = new JsonObject()
        .put("size", size)
        .put("query", new JsonObject().put("bool", new JsonObject().put("filter", filter)))
        .put("sort", new JsonArray().add(new JsonObject().put("@timestamp", "desc")));
    return es.post("/" + INDEX + "/_search?ignore_unavailable=true", body).map(resp -> {
      JsonObject hits = resp.getJsonObject("hits", new JsonObject());
      JsonArray items = new JsonArray();
      for (Object o : hits.getJsonArray("hits", new JsonArray())) {
        items.add(((JsonObject) o).getJsonObject("_source"));
      }
      JsonObject total = hits.getJsonObject("total", new JsonObject());
      return new JsonObject().put("items", items)
          .put("total", new JsonObject().put("value", total.getLong("value", 0L)).put("relation", total.getString("relation", "eq")));
    });
  }
}
