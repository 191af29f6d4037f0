package io.mailtrace.api.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An Elasticsearch search answer becomes typed rows, and the rows the API's JSON answer. */
class SearchHitsReaderTest {

  static JsonObject hit(String id, long millis, JsonObject source) {
    return new JsonObject().put("_index", "mailtrace-sent-2026-w40").put("_id", id).put("_score", null)
        .put("_ignored", new JsonArray().add("subject.keyword"))
        .put("_source", source).put("sort", new JsonArray().add(millis).add(id));
  }

  static JsonObject answer(String relation, long total, JsonObject... hits) {
    return new JsonObject().put("took", 3).put("timed_out", false)
        .put("_shards", new JsonObject().put("total", 2).put("successful", 2).put("failures", new JsonArray()))
        .put("hits", new JsonObject()
            .put("total", new JsonObject().put("value", total).put("relation", relation))
            .put("max_score", null)
            .put("hits", new JsonArray(List.of((Object[]) hits))));
  }

  static final JsonObject FULL = new JsonObject()
      .put("id", "T1").put("@timestamp", "2026-10-01T10:00:00Z").put("account", "ann@a.example").put("domain", "a.example")
      .put("header_from", "Ann <ann@a.example>").put("subject", "Hello \"there\"").put("status", "relayed")
      .put("recipients", new JsonArray().add(new JsonObject().put("address", "x@r.test")).add(new JsonObject().put("status", "deferred"))
          .add(new JsonObject().put("address", "y@r.test")))
      .put("dkim", new JsonArray()
          .add(new JsonObject().put("domain", "a.example").put("selector", "s1").put("kind", "custom").put("headers", new JsonArray().add("from")))
          .add(new JsonObject().put("domain", "mailtrace.net").put("selector", "shared1").put("kind", "shared")))
      .put("unknown_future_field", new JsonObject().put("nested", new JsonArray().add(1)));

  @Test
  void readsItemsTotalAndTheCursorOfAFullPage() {
    JsonObject sparse = new JsonObject().put("id", "T2").put("@timestamp", "2026-10-01T09:00:00Z").put("subject", null);
    SearchPage page = SearchHitsReader.read(answer("gte", 10_000, hit("T1", 1000, FULL), hit("T2", 900, sparse)).toBuffer(), 2);

    assertThat(page.total()).isEqualTo(10_000);
    assertThat(page.totalIsExact()).isFalse();
    assertThat(page.last()).contains(new SortKey(900, "T2"));
    assertThat(page.items()).containsExactly(
        new SearchItem("T1", "2026-10-01T10:00:00Z", "ann@a.example", "a.example", "Ann <ann@a.example>",
            List.of("x@r.test", "y@r.test"), "Hello \"there\"", "relayed",
            List.of(new SearchItem.Dkim("a.example", "s1", "custom"), new SearchItem.Dkim("mailtrace.net", "shared1", "shared"))),
        new SearchItem("T2", "2026-10-01T09:00:00Z", null, null, null, List.of(), null, null, List.of()));
  }

  @Test
  void aShortPageHasNoCursorAndAnEmptyAnswerNoItems() {
    SearchPage page = SearchHitsReader.read(answer("eq", 1, hit("T1", 1000, FULL)).toBuffer(), 50);
    assertThat(page.last()).isEmpty();
    assertThat(page.totalIsExact()).isTrue();
    SearchPage none = SearchHitsReader.read(new JsonObject().put("took", 1).toBuffer(), 50);
    assertThat(none.items()).isEmpty();
    assertThat(none.total()).isZero();
  }

  @Test
  void theAnswerJsonHasTheDocumentedShape() {
    SearchPage page = SearchHitsReader.read(answer("eq", 1, hit("T1", 1000, FULL)).toBuffer(), 50);
    JsonObject json = new JsonObject(page.toJson("CURSOR"));
    assertThat(json).isEqualTo(new JsonObject()
        .put("items", new JsonArray().add(new JsonObject()
            .put("id", "T1").put("@timestamp", "2026-10-01T10:00:00Z").put("account", "ann@a.example").put("domain", "a.example")
            .put("header_from", "Ann <ann@a.example>").put("recipients", new JsonArray().add("x@r.test").add("y@r.test"))
            .put("subject", "Hello \"there\"").put("status", "relayed")
            .put("dkim", new JsonArray()
                .add(new JsonObject().put("domain", "a.example").put("selector", "s1").put("kind", "custom"))
                .add(new JsonObject().put("domain", "mailtrace.net").put("selector", "shared1").put("kind", "shared")))))
        .put("next_cursor", "CURSOR")
        .put("total", new JsonObject().put("value", 1L).put("relation", "eq")));
    assertThat(new JsonObject(page.toJson(null)).containsKey("next_cursor")).isTrue();
    assertThat(new JsonObject(page.toJson(null)).getValue("next_cursor")).isNull();
  }

  @Test
  void notASearchAnswerIsAnError() {
    assertThatThrownBy(() -> SearchHitsReader.read(Buffer.buffer("[1,2]"), 50)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SearchHitsReader.read(Buffer.buffer("{\"hits\":{\"hits\":[{\"_source\":"), 50))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
