package io.mailtrace.api.error;

import io.mailtrace.api.es.EsUnavailableException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into replies: {@code {"error":{"code","message"}}} with the
 * status of the {@link ApiError}. Unknown exceptions become a 500 with a generic message (the
 * cause is logged, never sent). When the response has already started (a streamed export), the
 * connection is reset so the client cannot mistake a truncated body for a complete one.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  /** Seconds a client should wait before retrying when Elasticsearch is unavailable. */
  public static final int RETRY_AFTER_SECONDS = 5;

  @Override
  public void handle(RoutingContext ctx) {
    ApiException e = classify(ctx.failure(), ctx.statusCode());
    if (ctx.response().headWritten()) {
      LOG.warn("{} {} failed after the response started: {}", ctx.request().method(), ctx.request().path(), e.getMessage());
      ctx.response().reset();
      return;
    }
    reply(ctx, e);
  }

  /** Writes the JSON error reply (used also by the router's 404/405 handlers). */
  public static void reply(RoutingContext ctx, ApiException e) {
    ApiError error = e.error();
    if (error == ApiError.INTERNAL) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    } else if (error == ApiError.UNAVAILABLE) {
      LOG.warn("{} {}: {}", ctx.request().method(), ctx.request().path(), e.getMessage());
      ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    JsonObject body = new JsonObject().put("error", new JsonObject().put("code", error.code()).put("message", e.getMessage()));
    ctx.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }

  static ApiException classify(Throwable failure, int statusCode) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof EsUnavailableException) {
      return ApiException.unavailable("the search backend is unavailable, retry later");
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : statusCode;
    return switch (status) {
      case 400 -> new ApiException(ApiError.BAD_REQUEST, "malformed request");
      case 401 -> ApiException.unauthorized("authentication required");
      case 403 -> ApiException.forbidden("not allowed");
      case 404 -> ApiException.notFound("no such resource");
      case 405 -> new ApiException(ApiError.METHOD_NOT_ALLOWED, "method not allowed");
      case 413 -> new ApiException(ApiError.PAYLOAD_TOO_LARGE, "request body too large");
      case 503 -> ApiException.unavailable("service unavailable, retry later");
      default -> new ApiException(ApiError.INTERNAL, "internal error");
    };
  }
}
