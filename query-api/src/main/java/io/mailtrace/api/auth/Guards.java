package io.mailtrace.api.auth;

import io.mailtrace.api.Syntax;
import io.mailtrace.api.error.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reusable route guards, placed after authentication: {@code v1.post(path).handler(Guards.requireWrite()).handler(...)}.
 * Each fails the context with 403 (or 400 for a malformed domain) through the one failure handler.
 */
public final class Guards {
  private Guards() {}

  /** Only roles that may change state (admin, domain-admin); support gets 403. */
  public static Handler<RoutingContext> requireWrite() {
    return ctx -> {
      Caller c = Caller.of(ctx);
      if (!c.role().canWrite()) {
        ctx.fail(ApiException.forbidden("role '" + c.role().wireName() + "' is read-only"));
        return;
      }
      ctx.next();
    };
  }

  /** Only the given roles. */
  public static Handler<RoutingContext> requireRole(Role first, Role... more) {
    Set<Role> allowed = EnumSet.of(first, more);
    return ctx -> {
      Caller c = Caller.of(ctx);
      if (!allowed.contains(c.role())) {
        ctx.fail(ApiException.forbidden("role '" + c.role().wireName() + "' may not do this"));
        return;
      }
      ctx.next();
    };
  }

  /**
   * The path parameter {@code param} must be a well-formed domain (400) inside the caller's scope
   * (403). The normalised domain is put on the context under {@link #DOMAIN_KEY}.
   */
  public static Handler<RoutingContext> requireDomainInScope(String param) {
    return ctx -> {
      String raw = ctx.pathParam(param);
      String domain = Syntax.domainOrNull(raw);
      if (domain == null) {
        ctx.fail(ApiException.badParameter(param, "not a domain name"));
        return;
      }
      if (!Caller.of(ctx).scope().allows(domain)) {
        ctx.fail(ApiException.forbidden("domain '" + domain + "' is outside your scope"));
        return;
      }
      ctx.put(DOMAIN_KEY, domain);
      ctx.next();
    };
  }

  /** Context key of the domain checked by {@link #requireDomainInScope(String)}. */
  public static final String DOMAIN_KEY = "mailtrace.domain";
}
