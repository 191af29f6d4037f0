package io.mailtrace.api;

import io.mailtrace.api.audit.AuditLog;
import io.mailtrace.api.search.CursorCodec;
import io.mailtrace.api.search.TraceSearch;
import io.vertx.core.Vertx;
import java.time.Clock;

/** What route handlers share: the Vert.x instance, config, clock and our ports. */
public record ApiServices(Vertx vertx, ApiConfig config, Clock clock, TraceSearch search, AuditLog audit, CursorCodec cursors) {}
