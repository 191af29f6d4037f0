package io.mailtrace.api.dkim;

import io.mailtrace.api.ApiRoutes;
import io.mailtrace.api.ApiServices;
import io.mailtrace.api.Syntax;
import io.mailtrace.api.auth.Caller;
import io.mailtrace.api.auth.Guards;
import io.mailtrace.api.error.ApiError;
import io.mailtrace.api.error.ApiException;
import io.mailtrace.api.error.FailureHandler;
import io.mailtrace.model.keys.DkimKeyService;
import io.mailtrace.model.keys.KeyManagementException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The "Custom DKIM signature" routes under {@code /api/v1/domains/{domain}/dkim}: view (GET),
 * activate (POST, 201), check DNS now (POST .../check), disable (DELETE, 204). Reads: any role
 * within its scope; a domain-admin asking for another tenant's domain gets 404 (no hint that it
 * exists). Writes: admin, or domain-admin for its own domains; support gets 403. Key management
 * itself is reached only through {@link DkimKeyService} (model), implemented by the signer module.
 */
public final class DkimRoutes implements ApiRoutes {
  static final String PATH = "/domains/:domain/dkim";
  private final DkimKeyService keys;

  public DkimRoutes(DkimKeyService keys) {
    this.keys = keys;
  }

  @Override
  public void mount(Router v1, ApiServices services) {
    v1.get(PATH).handler(this::view);
    v1.post(PATH).handler(Guards.requireWrite()).handler(Guards.requireDomainInScope("domain"))
        .handler(ctx -> reply(ctx, keys.activate(domain(ctx)).map(v -> v.toJson()), 201));
    v1.post(PATH + "/check").handler(Guards.requireWrite()).handler(Guards.requireDomainInScope("domain"))
        .handler(ctx -> reply(ctx, keys.checkNow(domain(ctx)).map(o -> o.toJson()), 200));
    v1.delete(PATH).handler(Guards.requireWrite()).handler(Guards.requireDomainInScope("domain"))
        .handler(ctx -> reply(ctx, keys.disable(domain(ctx)).map(x -> (JsonObject) null), 204));
  }

  private void view(RoutingContext ctx) {
    String domain = Syntax.domainOrNull(ctx.pathParam("domain"));
    if (domain == null) {
      ctx.fail(ApiException.badParameter("domain", "not a domain name"));
      return;
    }
    if (!Caller.of(ctx).scope().allows(domain)) {
      ctx.fail(ApiException.notFound("no such domain"));
      return;
    }
    reply(ctx, keys.view(domain).map(v -> v.toJson()), 200);
  }

  private static String domain(RoutingContext ctx) {
    return ctx.get(Guards.DOMAIN_KEY);
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> f, int status) {
    f.onSuccess(body -> {
      if (body == null) {
        ctx.response().setStatusCode(status).putHeader("Cache-Control", "no-store").end();
      } else {
        ctx.response().setStatusCode(status)
            .putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .end(body.toBuffer());
      }
    }).onFailure(e -> fail(ctx, e));
  }

  /** Key-management failures to API errors, in one place; a conflict carries the current key. */
  static void fail(RoutingContext ctx, Throwable e) {
    if (!(e instanceof KeyManagementException k)) {
      ctx.fail(e); // internal: logged by the failure handler, a generic 500 for the client
      return;
    }
    switch (k.kind()) {
      case CONFLICT -> {
        JsonObject body = new JsonObject()
            .put("error", new JsonObject().put("code", ApiError.CONFLICT.code()).put("message", k.getMessage()));
        k.current().ifPresent(v -> body.put("state", v.state().wireName()).put("current", v.toJson()));
        ctx.response().setStatusCode(ApiError.CONFLICT.status())
            .putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "no-store")
            .end(body.toBuffer());
      }
      case NO_KEY -> FailureHandler.reply(ctx, ApiException.notFound(k.getMessage()));
      case INVALID_DOMAIN -> FailureHandler.reply(ctx, ApiException.badParameter("domain", k.getMessage()));
      case UNAVAILABLE -> FailureHandler.reply(ctx, ApiException.unavailable(k.getMessage()));
    }
  }
}
