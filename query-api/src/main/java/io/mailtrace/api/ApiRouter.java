package io.mailtrace.api;

import io.mailtrace.api.audit.AuditRoutes;
import io.mailtrace.api.auth.BearerAuth;
import io.mailtrace.api.error.ApiException;
import io.mailtrace.api.error.FailureHandler;
import io.mailtrace.api.search.MailSentRoutes;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the HTTP router: {@code /api/v1/*} (bearer auth, then our routes and the extensions),
 * {@code /health}, {@code /metrics}, {@code /api/openapi.yaml}, and the web UI from the classpath
 * directory {@code mailtrace-ui/} with a single-page-app fallback to its {@code index.html}.
 */
public final class ApiRouter {
  public static final String V1 = "/api/v1";
  static final String UI_ROOT = "mailtrace-ui";

  private ApiRouter() {}

  /**
   * The router and the v1 sub-router (exposed so tests can compare routes with the OpenAPI document).
   */
  public record Built(Router root, Router v1) {}

  public static Built build(ApiServices s, List<ApiRoutes> extensions, Supplier<String> metrics) {
    Router root = Router.router(s.vertx());
    FailureHandler failures = new FailureHandler();
    if (!s.config().corsOrigins().isEmpty()) {
      root.route().handler(CorsHandler.create().addOrigins(s.config().corsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Authorization", "Content-Type")));
    }
    root.get("/health").handler(ctx -> s.search().ping()
        .onSuccess(v -> json(ctx, 200, new JsonObject().put("status", "up").put("elasticsearch", "up")))
        .onFailure(e -> {
          ctx.response().putHeader("Retry-After", Integer.toString(FailureHandler.RETRY_AFTER_SECONDS));
          json(ctx, 503, new JsonObject().put("status", "down").put("elasticsearch", "down"));
        }));
    root.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics == null ? "" : metrics.get()));
    String openapi = openApiYaml();
    root.get("/api/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8")
        .end(openapi));

    Router v1 = Router.router(s.vertx());
    v1.route().handler(new BearerAuth(s.vertx(), s.config().jwtSecret()));
    v1.route().method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE)
        .handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    List<ApiRoutes> all = new ArrayList<>(List.of(new MailSentRoutes(), new AuditRoutes()));
    all.addAll(extensions);
    all.forEach(r -> r.mount(v1, s));
    v1.route().failureHandler(failures);
    root.route(V1 + "/*").subRouter(v1);

    // Anything else under /api is an API 404, never the UI's index.html.
    root.route("/api/*").handler(ctx -> FailureHandler.reply(ctx, ApiException.notFound("no such route")));
    root.route().handler(StaticHandler.create(UI_ROOT).setIndexPage("index.html").setCachingEnabled(true));
    // Single-page app: unknown GET paths outside /api load the UI, which routes on the client.
    root.get().handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").sendFile(UI_ROOT + "/index.html")
        .onFailure(e -> {
          if (!ctx.response().headWritten()) {
            FailureHandler.reply(ctx, ApiException.notFound("no such page"));
          }
        }));
    root.route().failureHandler(failures);
    root.errorHandler(404, ctx -> FailureHandler.reply(ctx, ApiException.notFound("no such route")));
    root.errorHandler(405, ctx -> FailureHandler.reply(ctx, new ApiException(io.mailtrace.api.error.ApiError.METHOD_NOT_ALLOWED, "method not allowed")));
    return new Built(root, v1);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.toBuffer());
  }

  /** The OpenAPI document served at {@code /api/openapi.yaml}. */
  public static String openApiYaml() {
    try (InputStream in = ApiRouter.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml missing from the classpath");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
