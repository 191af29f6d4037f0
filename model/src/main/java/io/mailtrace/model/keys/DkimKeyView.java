package io.mailtrace.model.keys;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the control panel shows for a domain ({@code GET /api/v1/domains/{domain}/dkim}). Never
 * carries private key material. Fields other than {@code domain} and {@code state} are null
 * when the state is {@link KeyState#NONE}.
 *
 * @param expiresAt when a pending key is removed if never verified (null unless pending)
 * @param dnsStatus the result of the latest check of the record (for an active key: problems
 *     found by the periodic re-verification; signing continues)
 */
public record DkimKeyView(
    String domain,
    KeyState state,
    String selector,
    DnsRecordView dnsRecord,
    Instant createdAt,
    Instant expiresAt,
    Instant verifiedAt,
    DnsCheck lastCheck,
    DnsCheckResult dnsStatus) {

  public static DkimKeyView none(String domain) {
    return new DkimKeyView(domain, KeyState.NONE, null, null, null, null, null, null, null);
  }

  /** The API's JSON (snake_case; null fields kept as null so the shape is stable). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("domain", domain)
        .put("state", state.wireName())
        .put("selector", selector)
        .put("dns_record", dnsRecord == null ? null : dnsRecord.toJson())
        .put("created_at", str(createdAt))
        .put("expires_at", str(expiresAt))
        .put("verified_at", str(verifiedAt))
        .put("last_check", lastCheck == null ? null : lastCheck.toJson())
        .put("dns_status", dnsStatus == null ? null : dnsStatus.wireName());
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
