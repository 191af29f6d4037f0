package io.mailtrace.api.search;

import io.mailtrace.api.auth.TenantScope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the Elasticsearch request bodies (pure functions, unit-tested). User text only ever
 * appears inside {@code term}, {@code terms}, {@code range} and {@code match} clauses; the
 * tenant scope is always a {@code filter} clause.
 */
public final class TraceQueries {
  /** The {@code _source} fields a search item is built from (see {@link SearchHitsReader}). */
  static final JsonArray SUMMARY_FIELDS = new JsonArray()
      .add("id").add("@timestamp").add("account").add("domain").add("header_from")
      .add("recipients.address").add("subject").add("status")
      .add("dkim.domain").add("dkim.selector").add("dkim.kind");

  private TraceQueries() {}

  /** The bool query for filters + scope. */
  public static JsonObject query(SearchFilters f, TenantScope scope) {
    JsonArray filter = new JsonArray();
    scope.filterClause("domain").ifPresent(filter::add);
    filter.add(new JsonObject().put("range", new JsonObject().put("@timestamp", new JsonObject()
        .put("gte", f.from().toEpochMilli())
        .put("lt", f.to().toEpochMilli())
        .put("format", "epoch_millis"))));
    term(filter, "domain", f.domain());
    term(filter, "account", f.account());
    term(filter, "recipients.address", f.recipient());
    term(filter, "status", f.status() == null ? null : f.status().wireName());
    term(filter, "message_id", f.messageId());
    term(filter, "client_ip", f.clientIp());
    JsonArray dkim = new JsonArray();
    term(dkim, "dkim.domain", f.dkimDomain());
    term(dkim, "dkim.selector", f.dkimSelector());
    term(dkim, "dkim.kind", f.dkimKind() == null ? null : f.dkimKind().wireName());
    if (!dkim.isEmpty()) {
      // One nested clause: domain, selector and kind must hold for the SAME signature.
      filter.add(nested(new JsonObject().put("bool", new JsonObject().put("filter", dkim))));
    }
    JsonObject bool = new JsonObject().put("filter", filter);
    if (f.subject() != null) {
      bool.put("must", new JsonArray().add(new JsonObject().put("match", new JsonObject()
          .put("subject.text", new JsonObject().put("query", f.subject()).put("operator", "and")))));
    }
    return new JsonObject().put("bool", bool);
  }

  /** Newest first with the unique id as tiebreaker, so search_after never skips or repeats. */
  public static JsonArray sort() {
    return new JsonArray()
        .add(new JsonObject().put("@timestamp", new JsonObject().put("order", "desc")))
        .add(new JsonObject().put("id", new JsonObject().put("order", "desc")));
  }

  public static JsonObject searchBody(SearchFilters f, TenantScope scope, int size, Optional<SortKey> after) {
    JsonObject body = new JsonObject()
        .put("size", size)
        .put("query", query(f, scope))
        .put("sort", sort())
        .put("_source", new JsonObject().put("includes", SUMMARY_FIELDS))
        .put("track_total_hits", 10_000);
    after.ifPresent(k -> body.put("search_after", new JsonArray().add(k.timestampMillis()).add(k.id())));
    return body;
  }

  public static JsonObject getBody(String id, TenantScope scope) {
    JsonArray filter = new JsonArray();
    scope.filterClause("domain").ifPresent(filter::add);
    filter.add(new JsonObject().put("term", new JsonObject().put("id", id)));
    return new JsonObject().put("size", 1).put("query", new JsonObject().put("bool", new JsonObject().put("filter", filter)));
  }

  public static JsonObject exportPageBody(SearchFilters f, TenantScope scope, String pitId, int size, Optional<SortKey> after) {
    JsonObject body = new JsonObject()
        .put("size", size)
        .put("query", query(f, scope))
        .put("sort", sort())
        .put("pit", new JsonObject().put("id", pitId).put("keep_alive", "2m"))
        .put("track_total_hits", false);
    after.ifPresent(k -> body.put("search_after", new JsonArray().add(k.timestampMillis()).add(k.id())));
    return body;
  }

  /** Stats aggregations: histogram by status and DKIM kind, totals, top accounts. */
  public static JsonObject statsBody(SearchFilters f, TenantScope scope, Duration interval) {
    JsonObject customKind = nested(new JsonObject().put("term", new JsonObject().put("dkim.kind", "custom")));
    JsonObject byDkim = new JsonObject().put("filters", new JsonObject().put("filters", new JsonObject()
        .put("custom", customKind)
        .put("shared_only", new JsonObject().put("bool", new JsonObject().put("must_not", new JsonArray().add(customKind))))));
    JsonObject byStatus = new JsonObject().put("terms", new JsonObject().put("field", "status").put("size", 10));
    JsonObject histogram = new JsonObject()
        .put("date_histogram", new JsonObject()
            .put("field", "@timestamp")
            .put("fixed_interval", interval.toSeconds() + "s")
            .put("min_doc_count", 0)
            .put("extended_bounds", new JsonObject().put("min", f.from().toEpochMilli()).put("max", f.to().toEpochMilli() - 1)))
        .put("aggs", new JsonObject().put("by_status", byStatus).put("by_dkim", byDkim));
    return new JsonObject()
        .put("size", 0)
        .put("track_total_hits", true)
        .put("query", query(f, scope))
        .put("aggs", new JsonObject()
            .put("over_time", histogram)
            .put("by_status", byStatus)
            .put("by_dkim", byDkim)
            .put("top_accounts", new JsonObject().put("terms", new JsonObject().put("field", "account").put("size", 10))));
  }

  private static JsonObject nested(JsonObject query) {
    return new JsonObject().put("nested", new JsonObject().put("path", "dkim").put("query", query));
  }

  private static void term(JsonArray into, String field, String value) {
    if (value != null) {
      into.add(new JsonObject().put("term", new JsonObject().put(field, value)));
    }
  }
}
