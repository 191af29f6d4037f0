package io.mailtrace.api.search;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * One "Mail Sent" row as the search answer shows it (the details view has the whole record).
 * Built from a hit's summary {@code _source} by {@link SearchHitsReader}, written by
 * {@link #writeTo} — no intermediate JSON tree on either side.
 */
public record SearchItem(
    String id,
    String timestamp,
    String account,
    String domain,
    String headerFrom,
    List<String> recipients,
    String subject,
    String status,
    List<Dkim> dkim) {

  /** A signature the message carries: {@code {domain, selector, kind}}. */
  public record Dkim(String domain, String selector, String kind) {}

  public SearchItem {
    recipients = List.copyOf(recipients);
    dkim = List.copyOf(dkim);
  }

  /** The item's JSON object; field names as in the OpenAPI document. */
  void writeTo(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("@timestamp", timestamp);
    g.writeStringField("account", account);
    g.writeStringField("domain", domain);
    g.writeStringField("header_from", headerFrom);
    g.writeArrayFieldStart("recipients");
    for (String r : recipients) {
      g.writeString(r);
    }
    g.writeEndArray();
    g.writeStringField("subject", subject);
    g.writeStringField("status", status);
    g.writeArrayFieldStart("dkim");
    for (Dkim d : dkim) {
      g.writeStartObject();
      g.writeStringField("domain", d.domain());
      g.writeStringField("selector", d.selector());
      g.writeStringField("kind", d.kind());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
