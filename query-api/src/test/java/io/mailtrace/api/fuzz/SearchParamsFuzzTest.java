package io.mailtrace.api.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailtrace.api.auth.TenantScope;
import io.mailtrace.api.error.ApiError;
import io.mailtrace.api.error.ApiException;
import io.mailtrace.api.search.CursorCodec;
import io.mailtrace.api.search.SearchFilters;
import io.mailtrace.api.search.SearchParams;
import io.mailtrace.api.search.SortKey;
import io.mailtrace.api.search.StatsIntervals;
import io.mailtrace.api.search.TraceQueries;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes the "Mail Sent" query-parameter parsing ({@link SearchParams}, {@link CursorCodec}) and
 * the Elasticsearch bodies built from what it accepts ({@link TraceQueries}).
 *
 * <p>Invariants: a request is either accepted or refused with a typed {@link ApiException} — 400
 * {@code bad_parameter}, or 403 for a {@code domain} outside a restricted scope — never another
 * exception; building the search, export and stats bodies from accepted filters never throws; in
 * those bodies every object key is one of ours (user text never becomes a field name, query type
 * or option) and user text appears only as a {@code term} value or a {@code match} query.
 */
class SearchParamsFuzzTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  private static final CursorCodec CURSORS = new CursorCodec("fuzz-secret");
  private static final Set<String> ALLOWED = new HashSet<>(SearchParams.FILTERS);

  static {
    ALLOWED.add("size"); // as MailSentRoutes.SEARCH_PARAMS
    ALLOWED.add("cursor");
  }

  /** Every key our bodies may contain: query DSL words and our field names. */
  private static final Set<String> KEYS = Set.of(
      "size", "query", "sort", "_source", "includes", "track_total_hits", "search_after", "pit", "id", "keep_alive",
      "bool", "filter", "must", "must_not", "range", "gte", "lt", "format", "term", "terms", "match", "nested", "path",
      "operator", "order", "aggs", "date_histogram", "field", "fixed_interval", "min_doc_count", "extended_bounds",
      "min", "max", "filters", "custom", "shared_only", "over_time", "by_status", "by_dkim", "top_accounts",
      "@timestamp", "domain", "account", "recipients.address", "status", "message_id", "client_ip", "subject.text",
      "dkim.domain", "dkim.selector", "dkim.kind", "header_from", "subject");

  /** Strings our bodies contain that never come from the request. */
  private static final Set<String> LITERALS = Set.of(
      "epoch_millis", "and", "desc", "dkim", "2m", "custom", "pit-fuzz",
      "id", "@timestamp", "account", "domain", "header_from", "recipients.address", "subject", "status",
      "dkim.domain", "dkim.selector", "dkim.kind");

  /**
   * Input layout: byte 0 holds the options (bit 0: a domain-admin scope instead of "all"; bit 1: a
   * valid cursor is added); the rest is the raw query string (UTF-8), decoded as Vert.x Web does.
   * Seeds in SearchParamsFuzzTestInputs are plain query strings behind one option byte.
   */
  @FuzzTest(maxDuration = "60s")
  @DictionaryEntries({"domain=", "account=", "from=", "to=", "recipient=", "status=", "message_id=", "subject=",
    "dkim_domain=", "dkim_selector=", "dkim_kind=", "client_ip=", "size=", "cursor=", "&", "%", "+", "example.com",
    "shop.test", "relayed", "rejected", "deferred", "partial", "custom", "shared", "2026-11-28", "T10:00:00Z",
    "%2B999999999-12-31", "-999999999-01-01", "%2B", "T23:59:59+18:00", "::1", "/24", "500"})
  void queryParameters(byte[] input) {
    int flags = input.length == 0 ? 0 : input[0] & 0xff;
    TenantScope scope = (flags & 1) == 0 ? TenantScope.all() : TenantScope.only(Set.of("example.com", "shop.test"));
    String qs = input.length == 0 ? "" : new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    try {
      for (Map.Entry<String, List<String>> e : new QueryStringDecoder(qs, false).parameters().entrySet()) {
        params.add(e.getKey(), e.getValue());
      }
    } catch (IllegalArgumentException badEncoding) {
      return; // Vert.x Web answers 400 before our code runs
    }
    if ((flags & 2) != 0) {
      params.add("cursor", CURSORS.encode(new SortKey(1_764_331_200_000L, "0196f1c2-fuzz")));
    }

    SearchFilters f;
    int size;
    Optional<SortKey> after = Optional.empty();
    try {
      SearchParams.checkNames(params, ALLOWED);
      f = SearchParams.filters(params, scope, CLOCK);
      size = SearchParams.size(params);
      String cursor = params.get("cursor");
      if (cursor != null) {
        after = CURSORS.decode(cursor);
        if (after.isEmpty()) {
          return; // the route answers 400 "cursor"
        }
      }
    } catch (ApiException e) {
      assertThat(e.error() == ApiError.BAD_PARAMETER
              || e.error() == ApiError.FORBIDDEN && !scope.unrestricted() && e.getMessage().startsWith("domain "))
          .as("unexpected error %s: %s", e.error(), e.getMessage()).isTrue();
      assertThat(e.getMessage()).isNotBlank();
      return;
    }

    assertThat(f.from()).isBefore(f.to());
    if (f.domain() != null) {
      assertThat(scope.allows(f.domain())).isTrue();
    }
    f.asParams(); // the audit trail must not fail either
    Duration interval = StatsIntervals.forRange(Duration.between(f.from(), f.to()));
    checkBody(TraceQueries.searchBody(f, scope, size, after));
    checkBody(TraceQueries.exportPageBody(f, scope, "pit-fuzz", size, after));
    checkBody(TraceQueries.statsBody(f, scope, interval));
  }

  private static void checkBody(JsonObject body) {
    JsonObject roundTrip = new JsonObject(body.encode()); // serialisable, as sent to Elasticsearch
    walk(roundTrip, "", "");
  }

  private static void walk(Object node, String key, String parentKey) {
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        assertThat(KEYS).as("key %s under %s", e.getKey(), key).contains(e.getKey());
        walk(e.getValue(), e.getKey(), key);
      }
    } else if (node instanceof JsonArray a) {
      for (Object v : a) {
        walk(v, key, parentKey);
      }
    } else if (node instanceof String s) {
      boolean userValuePosition = parentKey.equals("term") // {"term": {"field": <value>}}
          || parentKey.equals("terms") && key.equals("domain") // the scope, from the token
          || key.equals("query") // {"match": {"subject.text": {"query": <text>}}}
          || key.equals("search_after") // id from an HMAC-verified cursor
          || key.equals("fixed_interval") && s.matches("[0-9]+s");
      assertThat(userValuePosition || LITERALS.contains(s))
          .as("string '%s' at key %s under %s", s, key, parentKey).isTrue();
    }
  }
}
