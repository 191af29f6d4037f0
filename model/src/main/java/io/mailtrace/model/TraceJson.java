package io.mailtrace.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapping of the trace record (journal lines, Elasticsearch documents, API answers).
 * snake_case names, ISO-8601 instants, nulls omitted. Unknown fields are rejected when reading so
 * that a journal line that does not match the contract is dead-lettered instead of half-indexed.
 */
public final class TraceJson {
  private static final ObjectMapper MAPPER = newMapper();

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

  public static byte[] toBytes(TraceRecord record) {
    try {
      return MAPPER.writeValueAsBytes(record);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
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
