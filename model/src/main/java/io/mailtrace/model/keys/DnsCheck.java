package io.mailtrace.model.keys;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One DNS check of a key's record.
 *
 * @param result the outcome
 * @param message a sentence for the admin, including a hint for the usual mistakes
 * @param checkedAt when the check ran
 */
public record DnsCheck(DnsCheckResult result, String message, Instant checkedAt) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("result", result.wireName())
        .put("message", message)
        .put("checked_at", checkedAt.toString());
  }
}
