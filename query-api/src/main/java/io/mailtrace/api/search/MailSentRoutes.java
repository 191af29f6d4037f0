package io.mailtrace.api.search;

import io.mailtrace.api.ApiRoutes;
import io.mailtrace.api.ApiServices;
import io.mailtrace.api.Syntax;
import io.mailtrace.api.audit.AuditEntry;
import io.mailtrace.api.auth.Caller;
import io.mailtrace.api.auth.TenantScope;
import io.mailtrace.api.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** "Mail Sent": search, details, CSV export, stats. Every query carries the caller's tenant scope. */
public final class MailSentRoutes implements ApiRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(MailSentRoutes.class);
  static final Set<String> SEARCH_PARAMS = with(SearchParams.FILTERS, "size", "cursor");
  static final Set<String> FILTER_PARAMS = with(SearchParams.FILTERS);
  private static final CharSequence JSON_UTF8 = HttpHeaders.createOptimized("application/json; charset=utf-8");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

  @Override
  public void mount(Router v1, ApiServices s) {
    // export.csv before {id}: otherwise ":id" would capture it.
    v1.get("/mail-sent/export.csv").handler(ctx -> export(ctx, s));
    v1.get("/mail-sent").handler(ctx -> replyJson(ctx, search(ctx, s)));
    v1.get("/mail-sent/:id").handler(ctx -> reply(ctx, details(ctx, s)));
    v1.get("/stats").handler(ctx -> reply(ctx, stats(ctx, s)));
  }

  private static Future<Buffer> search(RoutingContext ctx, ApiServices s) {
    Caller caller = Caller.of(ctx);
    SearchParams.checkNames(ctx.queryParams(), SEARCH_PARAMS);
    SearchFilters f = SearchParams.filters(ctx.queryParams(), caller.scope(), s.clock());
    int size = SearchParams.size(ctx.queryParams());
    Optional<SortKey> after = Optional.empty();
    String cursor = ctx.queryParams().get("cursor");
    if (cursor != null) {
      after = s.cursors().decode(cursor);
      if (after.isEmpty()) {
        throw ApiException.badParameter("cursor", "malformed or not issued by this server");
      }
    }
    return s.search().search(f, caller.scope(), size, after).compose(page -> {
      Buffer body = page.toJson(page.last().map(s.cursors()::encode).orElse(null));
      Map<String, String> params = f.asParams();
      params.put("size", Integer.toString(size));
      if (cursor != null) {
        params.put("cursor", "yes");
      }
      return audit(s, caller, "GET /api/v1/mail-sent", params, page.total()).map(body);
    });
  }

  private static Future<JsonObject> details(RoutingContext ctx, ApiServices s) {
    Caller caller = Caller.of(ctx);
    SearchParams.checkNames(ctx.queryParams(), Set.of());
    String id = ctx.pathParam("id");
    if (!Syntax.isRecordId(id)) {
      throw ApiException.badParameter("id", "not a record id");
    }
    return s.search().get(id, caller.scope()).compose(rec -> {
      // Outside the scope looks exactly like absent: no leak that the record exists.
      Future<Void> audited = audit(s, caller, "GET /api/v1/mail-sent/{id}", Map.of("id", id), rec.isPresent() ? 1 : 0);
      return audited.compose(v -> rec.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(ApiException.notFound("no record " + id))));
    });
  }

  private static Future<JsonObject> stats(RoutingContext ctx, ApiServices s) {
    Caller caller = Caller.of(ctx);
    SearchParams.checkNames(ctx.queryParams(), FILTER_PARAMS);
    SearchFilters f = SearchParams.filters(ctx.queryParams(), caller.scope(), s.clock());
    Duration interval = StatsIntervals.forRange(Duration.between(f.from(), f.to()));
    return s.search().stats(f, caller.scope(), interval);
  }

  private static void export(RoutingContext ctx, ApiServices s) {
    Caller caller = Caller.of(ctx);
    TenantScope scope = caller.scope();
    SearchFilters f;
    try {
      SearchParams.checkNames(ctx.queryParams(), FILTER_PARAMS);
      f = SearchParams.filters(ctx.queryParams(), scope, s.clock());
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    HttpServerResponse resp = ctx.response();
    boolean[] gone = {false};
    resp.closeHandler(v -> gone[0] = true);
    ExportSink sink = page -> {
      if (gone[0]) {
        return Future.failedFuture(new IllegalStateException("client went away during export"));
      }
      if (!resp.headWritten()) {
        startCsv(resp);
      }
      StringBuilder sb = new StringBuilder(page.size() * 300);
      for (JsonObject r : page) {
        sb.append(Csv.recordRow(r));
      }
      Future<Void> written = resp.write(Buffer.buffer(sb.toString()));
      if (!resp.writeQueueFull()) {
        return written.recover(e -> Future.succeededFuture());
      }
      // Back-pressure: the next page is fetched only when the client has taken this one.
      Promise<Void> drained = Promise.promise();
      resp.drainHandler(v -> drained.tryComplete());
      resp.closeHandler(v -> {
        gone[0] = true;
        drained.tryFail("client went away during export");
      });
      return drained.future();
    };
    s.search().export(f, scope, sink)
        .onSuccess(rows -> {
          if (!resp.headWritten()) {
            startCsv(resp);
          }
          resp.end();
          audit(s, caller, "GET /api/v1/mail-sent/export.csv", f.asParams(), rows)
              .onFailure(e -> LOG.error("audit of an export by {} failed: {}", caller.subject(), e.getMessage()));
        })
        .onFailure(e -> {
          if (gone[0]) {
            LOG.info("export by {} stopped: client went away", caller.subject());
          } else {
            ctx.fail(e);
          }
        });
  }

  private static void startCsv(HttpServerResponse resp) {
    resp.setChunked(true)
        .putHeader("Content-Type", "text/csv; charset=utf-8; header=present")
        .putHeader("Content-Disposition", "attachment; filename=\"mail-sent.csv\"")
        .putHeader("Cache-Control", "no-store");
    resp.write(Csv.headerRow());
  }

  /** Support and admin reads go to the audit trail before the answer leaves. */
  static Future<Void> audit(ApiServices s, Caller caller, String route, Map<String, String> params, long count) {
    if (!caller.audited()) {
      return Future.succeededFuture();
    }
    return s.audit().record(new AuditEntry(s.clock().instant(), caller.subject(), caller.role().wireName(), route, params, count));
  }

  /** Sends a JSON answer, or routes the failure (thrown or asynchronous) to the failure handler. */
  public static void reply(RoutingContext ctx, Future<JsonObject> answer) {
    replyJson(ctx, answer.map(JsonObject::toBuffer));
  }

  /** {@link #reply} for an answer already serialized. */
  static void replyJson(RoutingContext ctx, Future<Buffer> answer) {
    answer.onSuccess(json -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8)
            .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
            .end(json))
        .onFailure(ctx::fail);
  }

  private static Set<String> with(List<String> base, String... more) {
    Set<String> s = new HashSet<>(base);
    s.addAll(List.of(more));
    return Set.copyOf(s);
  }
}
