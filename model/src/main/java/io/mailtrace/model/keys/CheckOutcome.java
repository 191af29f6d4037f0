package io.mailtrace.model.keys;

import io.vertx.core.json.JsonObject;

/**
 * The answer of "Check DKIM configuration" ({@code POST /api/v1/domains/{domain}/dkim/check}).
 *
 * @param state the key's state after the check ({@code ok} turns pending into active)
 */
public record CheckOutcome(DnsCheckResult result, String message, KeyState state) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("result", result.wireName())
        .put("message", message)
        .put("state", state.wireName());
  }
}
