package io.mailtrace.api.search;

import io.mailtrace.model.DkimKind;
import io.mailtrace.model.TraceStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validated "Mail Sent" filters (every field already checked and normalised; null = no filter).
 * {@code from} is inclusive, {@code to} exclusive.
 */
public record SearchFilters(
    Instant from,
    Instant to,
    String domain,
    String account,
    String recipient,
    TraceStatus status,
    String messageId,
    String subject,
    String dkimDomain,
    String dkimSelector,
    DkimKind dkimKind,
    String clientIp) {

  /** The filters as request-parameter names and values, for the audit trail. */
  public Map<String, String> asParams() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("from", from.toString());
    m.put("to", to.toString());
    put(m, "domain", domain);
    put(m, "account", account);
    put(m, "recipient", recipient);
    put(m, "status", status == null ? null : status.wireName());
    put(m, "message_id", messageId);
    put(m, "subject", subject);
    put(m, "dkim_domain", dkimDomain);
    put(m, "dkim_selector", dkimSelector);
    put(m, "dkim_kind", dkimKind == null ? null : dkimKind.wireName());
    put(m, "client_ip", clientIp);
    return m;
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
