package io.mailtrace.api.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailtrace.api.auth.TenantScope;
import io.mailtrace.api.error.ApiError;
import io.mailtrace.api.error.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceQueriesTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  static final List<String> FORBIDDEN = List.of("query_string", "simple_query_string", "wildcard", "regexp", "prefix", "script", "fuzzy");

  static MultiMap params(String... kv) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) {
      m.add(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void hostileTextOnlyEverLandsInTermOrMatchClauses() {
    for (String evil : List.of("*", "a*b", "/.*/", "x OR y", "{\"script\":\"x\"}", "\\u0000", "_all:*", "subject:foo~2")) {
      MultiMap p = params("subject", evil, "message_id", evil.replace(" ", ""), "account", "a@b.example");
      SearchFilters f = SearchParams.filters(p, TenantScope.all(), CLOCK);
      String body = TraceQueries.searchBody(f, TenantScope.only(Set.of("a.example")), 10, Optional.empty()).encode();
      for (String keyword : FORBIDDEN) {
        assertThat(body).as(evil).doesNotContain("\"" + keyword + "\"");
      }
      JsonObject stats = TraceQueries.statsBody(f, TenantScope.all(), Duration.ofMinutes(5));
      assertThat(stats.encode()).doesNotContain("\"script\"").doesNotContain("\"query_string\"");
    }
  }

  @Test
  void scopeIsAlwaysAFilterClause() {
    SearchFilters f = SearchParams.filters(params(), TenantScope.all(), CLOCK);
    JsonObject q = TraceQueries.query(f, TenantScope.only(Set.of("a.example")));
    assertThat(q.getJsonObject("bool").getJsonArray("filter").getJsonObject(0).encode())
        .isEqualTo("{\"terms\":{\"domain\":[\"a.example\"]}}");
    assertThat(TraceQueries.getBody("X", TenantScope.only(Set.of("a.example"))).encode()).contains("{\"terms\":{\"domain\":[\"a.example\"]}}");
    // An empty scope matches nothing (terms with no values), never everything.
    assertThat(TraceQueries.query(f, TenantScope.only(Set.of())).encode()).contains("{\"terms\":{\"domain\":[]}}");
  }

  @Test
  void defaultsAndDates() {
    SearchFilters f = SearchParams.filters(params(), TenantScope.all(), CLOCK);
    assertThat(f.to()).isEqualTo(CLOCK.instant());
    assertThat(f.from()).isEqualTo(CLOCK.instant().minus(Duration.ofHours(24)));
    SearchFilters d = SearchParams.filters(params("from", "2026-11-01", "to", "2026-11-01"), TenantScope.all(), CLOCK);
    assertThat(d.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(d.to()).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
    SearchFilters o = SearchParams.filters(params("from", "2026-11-01T10:00:00+02:00"), TenantScope.all(), CLOCK);
    assertThat(o.from()).isEqualTo(Instant.parse("2026-11-01T08:00:00Z"));
    assertThat(SearchParams.size(params())).isEqualTo(50);
    assertThat(SearchParams.size(params("size", "500"))).isEqualTo(500);
  }

  @Test
  void domainOutsideScopeIs403AndMalformedIs400() {
    TenantScope a = TenantScope.only(Set.of("a.example"));
    assertThatThrownBy(() -> SearchParams.filters(params("domain", "b.example"), a, CLOCK))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.FORBIDDEN));
    assertThatThrownBy(() -> SearchParams.filters(params("domain", "b_example"), a, CLOCK))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.BAD_PARAMETER));
    assertThat(SearchParams.filters(params("domain", "A.Example"), a, CLOCK).domain()).isEqualTo("a.example");
  }

  @Test
  void intervalsGiveAtMost200Buckets() {
    assertThat(StatsIntervals.forRange(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(1));
    assertThat(StatsIntervals.forRange(Duration.ofHours(24))).isEqualTo(Duration.ofMinutes(15));
    assertThat(StatsIntervals.forRange(Duration.ofDays(30))).isEqualTo(Duration.ofHours(6));
    assertThat(StatsIntervals.forRange(Duration.ofDays(400))).isEqualTo(Duration.ofDays(7));
    assertThat(StatsIntervals.label(Duration.ofMinutes(15))).isEqualTo("15m");
  }
}
