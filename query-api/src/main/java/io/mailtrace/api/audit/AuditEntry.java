package io.mailtrace.api.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * One audited read: who, when, which route, with which filters, how many results.
 *
 * @param params request parameters as {@code name=value} (the validated filters, or the record id)
 */
public record AuditEntry(Instant timestamp, String subject, String role, String route, Map<String, String> params, long resultCount) {

  public JsonObject toJson() {
    JsonArray p = new JsonArray();
    params.forEach((k, v) -> p.add(k + "=" + v));
    return new JsonObject()
        .put("@timestamp", timestamp.toString())
        .put("sub", subject)
        .put("role", role)
        .put("route", route)
        .put("params", p)
        .put("result_count", resultCount);
  }
}
