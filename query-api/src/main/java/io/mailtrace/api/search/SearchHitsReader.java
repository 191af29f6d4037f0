package io.mailtrace.api.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an Elasticsearch {@code _search} answer of a summary search straight into a
 * {@link SearchPage}, in one streaming pass (every search of the Mail Sent page goes through
 * here, so it skips the generic JSON tree). Fields it does not know are skipped.
 */
final class SearchHitsReader {
  private static final JsonFactory JSON = new JsonFactory();

  private SearchHitsReader() {}

  /**
   * @param size the page size asked for: a full page gets the sort key of its last hit
   * @throws IllegalArgumentException when the answer is not the JSON of a search answer
   */
  static SearchPage read(Buffer answer, int size) {
    try (JsonParser p = JSON.createParser(answer.getBytes())) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      List<SearchItem> items = new ArrayList<>(size);
      long total = 0;
      boolean exact = true;
      SortKey last = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (!"hits".equals(field) || p.currentToken() != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          if ("total".equals(name) && t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              p.nextToken();
              if ("value".equals(k)) {
                total = p.getValueAsLong();
              } else if ("relation".equals(k)) {
                exact = "eq".equals(p.getValueAsString());
              } else {
                p.skipChildren();
              }
            }
          } else if ("hits".equals(name) && t == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              last = hit(p, items);
            }
          } else {
            p.skipChildren();
          }
        }
      }
      boolean full = items.size() == size && size > 0;
      return new SearchPage(items, total, exact, full ? Optional.ofNullable(last) : Optional.empty());
    } catch (IOException e) {
      throw new IllegalArgumentException("not a search answer: " + e.getMessage(), e);
    }
  }

  /** One hit: its {@code _source} becomes an item; returns its sort key. */
  private static SortKey hit(JsonParser p, List<SearchItem> into) throws IOException {
    SortKey key = null;
    SearchItem item = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ("_source".equals(name) && t == JsonToken.START_OBJECT) {
        item = source(p);
      } else if ("sort".equals(name) && t == JsonToken.START_ARRAY) {
        p.nextToken();
        long millis = p.getValueAsLong();
        p.nextToken();
        String id = p.getValueAsString();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          p.skipChildren();
        }
        key = new SortKey(millis, id);
      } else {
        p.skipChildren();
      }
    }
    if (item != null) {
      into.add(item);
    }
    return key;
  }

  private static SearchItem source(JsonParser p) throws IOException {
    String id = null;
    String timestamp = null;
    String account = null;
    String domain = null;
    String headerFrom = null;
    String subject = null;
    String status = null;
    List<String> recipients = new ArrayList<>(2);
    List<SearchItem.Dkim> dkim = new ArrayList<>(2);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "id" -> id = text(p);
        case "@timestamp" -> timestamp = text(p);
        case "account" -> account = text(p);
        case "domain" -> domain = text(p);
        case "header_from" -> headerFrom = text(p);
        case "subject" -> subject = text(p);
        case "status" -> status = text(p);
        case "recipients" -> {
          if (t == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              String address = objectField(p, "address");
              if (address != null) {
                recipients.add(address);
              }
            }
          } else {
            p.skipChildren();
          }
        }
        case "dkim" -> {
          if (t == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              signature(p, dkim);
            }
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return new SearchItem(id, timestamp, account, domain, headerFrom, recipients, subject, status, dkim);
  }

  /** At a value: the string field {@code name} of an object, null for anything else. */
  private static String objectField(JsonParser p, String name) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String value = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      p.nextToken();
      if (name.equals(k)) {
        value = text(p);
      } else {
        p.skipChildren();
      }
    }
    return value;
  }

  private static void signature(JsonParser p, List<SearchItem.Dkim> into) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    String domain = null;
    String selector = null;
    String kind = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String k = p.currentName();
      p.nextToken();
      switch (k) {
        case "domain" -> domain = text(p);
        case "selector" -> selector = text(p);
        case "kind" -> kind = text(p);
        default -> p.skipChildren();
      }
    }
    into.add(new SearchItem.Dkim(domain, selector, kind));
  }

  /** A string value; null for JSON null; containers skipped (null). */
  private static String text(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    return p.getValueAsString();
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + ", got " + actual);
    }
  }
}
