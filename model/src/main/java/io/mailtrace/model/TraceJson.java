package io.mailtrace.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The one JSON mapping of the trace record (journal lines, Elasticsearch documents, API answers).
 * snake_case names, ISO-8601 instants, nulls omitted. Unknown fields are rejected when reading so
 * that a journal line that does not match the contract is dead-lettered instead of half-indexed.
 */
public final class TraceJson {
  private static final ObjectMapper MAPPER = newMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private TraceJson() {}

  /** A mapper configured like the trace contract; shared instance, thread-safe. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A fresh mapper with the same configuration, for callers that want to add modules. */
  public static ObjectMapper newMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /**
   * The record as one JSON document, byte for byte what {@link #mapper()} writes (a test holds the
   * two together), written field by field: the signer writes one for every message it relays, on
   * its event loop, and the mapper's reflective bean serialization cost several times more there.
   */
  public static byte[] toBytes(TraceRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, TraceRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", r.id());
    g.writeStringField("@timestamp", instant(r.timestamp()));
    string(g, "account", r.account());
    string(g, "domain", r.domain());
    string(g, "envelope_from", r.envelopeFrom());
    string(g, "header_from", r.headerFrom());
    string(g, "subject", r.subject());
    string(g, "message_id", r.messageId());
    g.writeNumberField("size_bytes", r.sizeBytes());
    string(g, "client_ip", r.clientIp());
    string(g, "client_helo", r.clientHelo());
    if (r.tls() != null) {
      g.writeObjectFieldStart("tls");
      g.writeBooleanField("enabled", r.tls().enabled());
      string(g, "protocol", r.tls().protocol());
      string(g, "cipher", r.tls().cipher());
      g.writeEndObject();
    }
    g.writeStringField("status", r.status().wireName());
    string(g, "status_reason", r.statusReason());
    g.writeArrayFieldStart("recipients");
    for (RecipientOutcome o : r.recipients()) {
      g.writeStartObject();
      string(g, "address", o.address());
      string(g, "status", o.status() == null ? null : o.status().wireName());
      string(g, "response", o.response());
      string(g, "relay", o.relay());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("dkim");
    for (DkimSignatureInfo d : r.dkim()) {
      g.writeStartObject();
      string(g, "domain", d.domain());
      string(g, "selector", d.selector());
      string(g, "kind", d.kind() == null ? null : d.kind().wireName());
      string(g, "algorithm", d.algorithm());
      string(g, "canonicalization", d.canonicalization());
      strings(g, "headers", d.headers());
      g.writeEndObject();
    }
    g.writeEndArray();
    string(g, "dkim_custom_skipped", r.dkimCustomSkipped() == null ? null : r.dkimCustomSkipped().wireName());
    string(g, "node", r.node());
    g.writeEndObject();
  }

  /** A string field, left out when null (the mapper's NON_NULL inclusion). */
  private static void string(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** As the JavaTimeModule writes an Instant with WRITE_DATES_AS_TIMESTAMPS off. */
  private static String instant(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  public static String toJson(TraceRecord record) {
    try {
      return MAPPER.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses one record; throws {@link IOException} with the parser's reason when it is not one. */
  public static TraceRecord parse(byte[] json) throws IOException {
    return MAPPER.readValue(json, TraceRecord.class);
  }

  public static TraceRecord parse(String json) throws IOException {
    return MAPPER.readValue(json, TraceRecord.class);
  }
}
