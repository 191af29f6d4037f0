package io.mailtrace.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.api.audit.AuditEntry;
import io.mailtrace.api.audit.AuditLog;
import io.mailtrace.api.auth.TenantScope;
import io.mailtrace.api.dkim.DkimRoutes;
import io.mailtrace.api.dkim.FakeKeyService;
import io.mailtrace.api.search.CursorCodec;
import io.mailtrace.api.search.ExportSink;
import io.mailtrace.api.search.SearchFilters;
import io.mailtrace.api.search.SearchPage;
import io.mailtrace.api.search.SortKey;
import io.mailtrace.api.search.TraceSearch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists exactly the routes the v1 router serves (method + path), DKIM routes included. */
class OpenApiTest {

  /** Fakes of our ports: this test never sends a request. */
  static final TraceSearch NO_SEARCH = new TraceSearch() {
    public Future<SearchPage> search(SearchFilters f, TenantScope s, int size, Optional<SortKey> after) {
      return Future.failedFuture("unused");
    }

    public Future<Optional<JsonObject>> get(String id, TenantScope s) {
      return Future.failedFuture("unused");
    }

    public Future<Long> export(SearchFilters f, TenantScope s, ExportSink sink) {
      return Future.failedFuture("unused");
    }

    public Future<JsonObject> stats(SearchFilters f, TenantScope s, Duration i) {
      return Future.failedFuture("unused");
    }

    public Future<Void> ping() {
      return Future.failedFuture("unused");
    }
  };

  static final AuditLog NO_AUDIT = new AuditLog() {
    public Future<Void> init() {
      return Future.succeededFuture();
    }

    public Future<Void> record(AuditEntry e) {
      return Future.succeededFuture();
    }

    public Future<JsonObject> list(Instant from, Instant to, String sub, int size) {
      return Future.failedFuture("unused");
    }
  };

  /** "GET /mail-sent/{id}" entries from the document's paths section. */
  static Set<String> documented(String yaml) {
    return new TreeSet<>(documentedStatuses(yaml).keySet());
  }

  /** "GET /mail-sent/{id}" → statuses listed under its responses in the OpenAPI document. */
  static Map<String, Set<Integer>> documentedStatuses(String yaml) {
    Map<String, Set<Integer>> out = new LinkedHashMap<>();
    Pattern path = Pattern.compile("^  (/\\S*):\\s*$");
    Pattern method = Pattern.compile("^    (get|put|post|delete|patch|head|options):\\s*$");
    Pattern status = Pattern.compile("^        '(\\d{3})':.*$");
    boolean inPaths = false;
    String current = null;
    String op = null;
    for (String line : yaml.split("\n")) {
      if (line.startsWith("paths:")) {
        inPaths = true;
        continue;
      }
      if (inPaths && !line.isBlank() && !line.startsWith(" ")) {
        break;
      }
      Matcher p = path.matcher(line);
      Matcher m = method.matcher(line);
      Matcher s = status.matcher(line);
      if (inPaths && p.matches()) {
        current = p.group(1);
        op = null;
      } else if (inPaths && current != null && m.matches()) {
        op = m.group(1).toUpperCase(Locale.ROOT) + " " + current;
        out.put(op, new TreeSet<>());
      } else if (op != null && s.matches()) {
        out.get(op).add(Integer.parseInt(s.group(1)));
      }
    }
    return out.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  static Set<String> served(List<Route> routes) {
    Set<String> out = new TreeSet<>();
    for (Route r : routes) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) {
        continue; // auth and body handlers on every path
      }
      String path = r.getPath().replaceAll(":([A-Za-z_]+)", "{$1}");
      for (HttpMethod m : r.methods()) {
        out.add(m.name() + " " + path);
      }
    }
    return out;
  }

  @Test
  void everyV1RouteIsDocumentedAndNothingElse() {
    Vertx vertx = Vertx.vertx();
    try {
      ApiConfig cfg = ApiConfig.of("127.0.0.1", 0, "x".repeat(32), List.of("http://127.0.0.1:9200"));
      ApiServices s = new ApiServices(vertx, cfg, Clock.systemUTC(), NO_SEARCH, NO_AUDIT, new CursorCodec(cfg.jwtSecret()));
      // Built as the app builds it: with the custom DKIM routes.
      ApiRouter.Built built = ApiRouter.build(s, List.of(new DkimRoutes(new FakeKeyService())), null);
      Set<String> doc = documented(ApiRouter.openApiYaml());
      assertThat(doc).isNotEmpty();
      assertThat(served(built.v1().getRoutes())).isEqualTo(doc);
      assertThat(ApiRouter.openApiYaml()).contains("- url: " + ApiRouter.V1);
    } finally {
      vertx.close();
    }
  }
}
