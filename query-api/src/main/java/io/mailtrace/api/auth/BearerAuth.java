package io.mailtrace.api.auth;

import io.mailtrace.api.Syntax;
import io.mailtrace.api.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies {@code Authorization: Bearer <jwt>} (HS256, vertx-auth-jwt: signature and {@code exp})
 * and puts the typed {@link Caller} on the routing context. Any problem → 401 through the
 * failure handler; the reason given never helps forge a token.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private final JWTAuth jwt;

  public BearerAuth(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setLeeway(5)));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
      ctx.fail(ApiException.unauthorized("missing bearer token"));
      return;
    }
    authenticate(header.substring(7).trim())
        .onSuccess(caller -> {
          ctx.put(Caller.CTX_KEY, caller);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** Verifies a token and builds the caller (401 when invalid, expired or without usable claims). */
  public Future<Caller> authenticate(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiException.unauthorized("invalid or expired token")))
        .compose(user -> {
          // vertx-auth-jwt keeps the verified claims under attributes.accessToken.
          JsonObject p = user.attributes().getJsonObject("accessToken");
          if (p == null) {
            return Future.failedFuture(ApiException.unauthorized("token claims are not usable"));
          }
          if (!p.containsKey("exp")) {
            return Future.failedFuture(ApiException.unauthorized("token without expiry"));
          }
          return callerFrom(p).map(Future::succeededFuture)
              .orElseGet(() -> Future.failedFuture(ApiException.unauthorized("token claims are not usable")));
        });
  }

  static Optional<Caller> callerFrom(JsonObject claims) {
    Object sub = claims.getValue("sub");
    Object roleClaim = claims.getValue("role");
    if (!(sub instanceof String s) || s.isBlank() || !(roleClaim instanceof String r)) {
      return Optional.empty();
    }
    Optional<Role> role = Role.fromWireName(r);
    if (role.isEmpty()) {
      return Optional.empty();
    }
    Set<String> domains = new LinkedHashSet<>();
    Object ds = claims.getValue("domains");
    if (ds != null) {
      if (!(ds instanceof JsonArray arr)) {
        return Optional.empty();
      }
      for (Object d : arr) {
        String n = d instanceof String str ? Syntax.domainOrNull(str) : null;
        if (n == null) {
          return Optional.empty();
        }
        domains.add(n);
      }
    }
    return Optional.of(new Caller(s, role.get(), domains));
  }
}
