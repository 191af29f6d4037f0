package io.mailtrace.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Names of the Elasticsearch indices holding trace records: one index per UTC day, chosen from
 * the record's own timestamp (so a replayed record always lands in the same index, which keeps
 * {@code create} with {@code _id} idempotent), read through one alias.
 */
public final class TraceIndex {
  /** Alias every daily index joins (through the template); searches go here. */
  public static final String ALIAS = "mailtrace-sent";
  public static final String PREFIX = "mailtrace-sent-";
  public static final String TEMPLATE_NAME = "mailtrace-sent";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

  private TraceIndex() {}

  public static String indexFor(Instant timestamp) {
    return PREFIX + DAY.format(timestamp);
  }

  /** The day of a daily index name, if it is one. */
  public static Optional<LocalDate> dayOf(String indexName) {
    if (indexName == null || !indexName.startsWith(PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(indexName.substring(PREFIX.length()), DateTimeFormatter.ofPattern("yyyy.MM.dd")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The composable index template (JSON body for {@code PUT _index_template/mailtrace-sent}). */
  public static String templateJson() {
    return resource("index-template.json");
  }

  static String resource(String name) {
    try (InputStream in = TraceIndex.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
