package io.mailtrace.api.search;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Receives export pages in order; the next page is fetched only when the returned future completes (back-pressure). */
@FunctionalInterface
public interface ExportSink {
  Future<Void> write(List<JsonObject> records);
}
