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
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies {@code Authorization: Bearer <jwt>} (HS256, vertx-auth-jwt: signature and {@code exp})
 * and puts the typed {@link Caller} on the routing context. Any problem → 401 through the
 * failure handler; the reason given never helps forge a token.
 *
 * <p>A verified token is remembered, by its exact text, until its {@code exp} (plus the same
 * leeway): a session sends the same token with every request, and decoding and checking it again
 * was the largest part of the API's own time per search. A text that never verified is never
 * remembered, so a forged or altered token always goes through the full check.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  static final int LEEWAY_SECONDS = 5;
  /** Bound on remembered tokens; past it the memory starts over (a re-check, never a wrong answer). */
  static final int MAX_REMEMBERED = 10_000;

  private record Verified(Caller caller, long expiresAtMillis) {}

  private final JWTAuth jwt;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  public BearerAuth(Vertx vertx, String secret) {
    this(vertx, secret, Clock.systemUTC());
  }

  /** @param clock decides when a remembered token has expired */
  public BearerAuth(Vertx vertx, String secret, Clock clock) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setLeeway(LEEWAY_SECONDS)));
    this.clock = clock;
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
    Verified known = verified.get(token);
    if (known != null) {
      if (clock.millis() < known.expiresAtMillis()) {
        return Future.succeededFuture(known.caller());
      }
      verified.remove(token);
      return Future.failedFuture(ApiException.unauthorized("invalid or expired token"));
    }
    return verify(token);
  }

  private Future<Caller> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiException.unauthorized("invalid or expired token")))
        .compose(user -> {
          // vertx-auth-jwt keeps the verified claims under attributes.accessToken.
          JsonObject p = user.attributes().getJsonObject("accessToken");
          if (p == null) {
            return Future.failedFuture(ApiException.unauthorized("token claims are not usable"));
          }
          if (!(p.getValue("exp") instanceof Number)) {
            return Future.failedFuture(ApiException.unauthorized("token without expiry"));
          }
          Optional<Caller> caller = callerFrom(p);
          if (caller.isEmpty()) {
            return Future.failedFuture(ApiException.unauthorized("token claims are not usable"));
          }
          long expiresAt = (p.getLong("exp") + LEEWAY_SECONDS) * 1000;
          if (clock.millis() >= expiresAt) {
            return Future.failedFuture(ApiException.unauthorized("invalid or expired token"));
          }
          remember(token, new Verified(caller.get(), expiresAt));
          return Future.succeededFuture(caller.get());
        });
  }

  private void remember(String token, Verified v) {
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear();
    }
    verified.put(token, v);
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
