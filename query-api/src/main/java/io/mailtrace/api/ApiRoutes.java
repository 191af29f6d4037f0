package io.mailtrace.api;

import io.vertx.ext.web.Router;

/**
 * Extension point for more routes under {@code /api/v1}. The router passed in already
 * authenticates every request (a {@link io.mailtrace.api.auth.Caller} is on the context:
 * {@code Caller.of(ctx)}) and maps failures through the one failure handler, so a route only
 * needs to fail the context (or return a failed future) with an
 * {@link io.mailtrace.api.error.ApiException}. Write routes put
 * {@link io.mailtrace.api.auth.Guards#requireWrite()} before their handler, and routes naming a
 * domain in the path use {@link io.mailtrace.api.auth.Guards#requireDomainInScope(String)}.
 * Request bodies (POST/PUT/PATCH/DELETE) are already read (64 KiB limit): {@code ctx.body()}.
 * Every route added must also be described in {@code openapi.yaml} (a test compares them).
 *
 * <p>Called once, on the event loop of the API verticle, while the router is built.
 */
@FunctionalInterface
public interface ApiRoutes {
  void mount(Router v1, ApiServices services);
}
