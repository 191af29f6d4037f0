package io.mailtrace.api.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Our port to the audit trail of support/admin reads. Non-blocking. */
public interface AuditLog {
  /** Creates the store if needed (idempotent); called once at start. */
  Future<Void> init();

  /** Appends one entry; completes when it is durable in the store. */
  Future<Void> record(AuditEntry entry);

  /** Entries newest first: {@code {"items":[...], "total":{...}}}; {@code subject} may be null. */
  Future<JsonObject> list(Instant from, Instant to, String subject, int size);
}
