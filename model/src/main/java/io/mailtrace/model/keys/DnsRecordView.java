package io.mailtrace.model.keys;

import io.vertx.core.json.JsonObject;

/**
 * The TXT record the domain's admin must publish.
 *
 * @param name {@code <selector>._domainkey.<domain>} (no trailing dot)
 * @param type always {@code TXT}
 * @param value {@code v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>}
 * @param zoneFileLine a BIND zone file line with the value split in quoted strings of at most
 *     255 bytes
 */
public record DnsRecordView(String name, String type, String value, String zoneFileLine) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("type", type)
        .put("value", value)
        .put("zone_file_line", zoneFileLine);
  }
}
