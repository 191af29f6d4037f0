package io.mailtrace.api.auth;

import io.mailtrace.api.error.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The authenticated principal of a request, built from verified JWT claims.
 *
 * @param subject the {@code sub} claim (who, for the audit trail)
 * @param role the {@code role} claim
 * @param domains the {@code domains} claim (lower-case); only meaningful for domain-admin
 */
public record Caller(String subject, Role role, Set<String> domains) {
  static final String CTX_KEY = "mailtrace.caller";

  public Caller {
    domains = Set.copyOf(domains);
  }

  /** The caller of an authenticated request; fails with 401 when the route was not behind auth. */
  public static Caller of(RoutingContext ctx) {
    Caller c = ctx.get(CTX_KEY);
    if (c == null) {
      throw ApiException.unauthorized("authentication required");
    }
    return c;
  }

  /** The tenant scope every query of this caller must be filtered by. */
  public TenantScope scope() {
    return role == Role.DOMAIN_ADMIN ? TenantScope.only(domains) : TenantScope.all();
  }

  /** Support and admin reads are audited. */
  public boolean audited() {
    return role == Role.ADMIN || role == Role.SUPPORT;
  }
}
