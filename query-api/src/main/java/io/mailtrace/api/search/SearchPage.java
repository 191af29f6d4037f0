package io.mailtrace.api.search;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * One page of search results.
 *
 * @param items summaries in API shape (see {@link TraceQueries#summary})
 * @param total hit count (exact up to 10,000, then a lower bound)
 * @param totalIsExact false when {@code total} is a lower bound
 * @param last sort position of the last item, present when the page was full
 */
public record SearchPage(List<JsonObject> items, long total, boolean totalIsExact, Optional<SortKey> last) {}
