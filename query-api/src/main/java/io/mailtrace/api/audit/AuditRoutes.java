package io.mailtrace.api.audit;

import io.mailtrace.api.ApiRoutes;
import io.mailtrace.api.ApiServices;
import io.mailtrace.api.auth.Guards;
import io.mailtrace.api.auth.Role;
import io.mailtrace.api.error.ApiException;
import io.mailtrace.api.search.MailSentRoutes;
import io.mailtrace.api.search.SearchParams;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.Set;

/** {@code GET /audit}: the audit trail, admins only. */
public final class AuditRoutes implements ApiRoutes {
  @Override
  public void mount(Router v1, ApiServices s) {
    v1.get("/audit").handler(Guards.requireRole(Role.ADMIN)).handler(ctx -> {
      MultiMap p = ctx.queryParams();
      SearchParams.checkNames(p, Set.of("from", "to", "sub", "size"));
      Instant to = p.get("to") == null ? s.clock().instant() : SearchParams.instant("to", p.get("to"), true);
      Instant from = p.get("from") == null ? to.minus(SearchParams.DEFAULT_RANGE) : SearchParams.instant("from", p.get("from"), false);
      if (!from.isBefore(to)) {
        throw ApiException.badParameter("from", "must be before 'to'");
      }
      String sub = p.get("sub");
      if (sub != null && (sub.isEmpty() || sub.length() > 256)) {
        throw ApiException.badParameter("sub", "empty or too long");
      }
      MailSentRoutes.reply(ctx, s.audit().list(from, to, sub, SearchParams.size(p)));
    });
  }
}
