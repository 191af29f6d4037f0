package io.mailtrace.api.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * One page of search results.
 *
 * @param items the rows, newest first
 * @param total hit count (exact up to 10,000, then a lower bound)
 * @param totalIsExact false when {@code total} is a lower bound
 * @param last sort position of the last item, present when the page was full
 */
public record SearchPage(List<SearchItem> items, long total, boolean totalIsExact, Optional<SortKey> last) {
  public SearchPage {
    items = List.copyOf(items);
  }

  /** The answer of {@code GET /api/v1/mail-sent}: items, next_cursor (or null) and total. */
  public Buffer toJson(String nextCursor) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 400 * items.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("items");
      for (SearchItem item : items) {
        item.writeTo(g);
      }
      g.writeEndArray();
      g.writeStringField("next_cursor", nextCursor);
      g.writeObjectFieldStart("total");
      g.writeNumberField("value", total);
      g.writeStringField("relation", totalIsExact ? "eq" : "gte");
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory: cannot happen
    }
    return Buffer.buffer(out.toByteArray());
  }

  private static final JsonFactory JSON = new JsonFactory();
}
