package io.mailtrace.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtrace.model.TraceIndex;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link TraceStore} over Elasticsearch's REST API with the Vert.x HTTP client. Chosen over the
 * elasticsearch-java client because the bulk body is built straight from the journal's bytes (no
 * decode/re-encode of every document) and the per-item answer is read through {@code filter_path},
 * which keeps the event loop's share of the work small. Requests rotate over the configured URLs.
 */
public final class ElasticsearchTraceStore implements TraceStore, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BULK_PATH = "/_bulk?filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";

  private final HttpClient client;
  private final List<String> urls;
  private final long timeoutMillis;
  private final AtomicInteger next = new AtomicInteger();

  public ElasticsearchTraceStore(Vertx vertx, List<String> urls, Duration requestTimeout, int maxConnections) {
    this.urls = urls.stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
    this.timeoutMillis = requestTimeout.toMillis();
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)),
        new PoolOptions().setHttp1MaxSize(Math.max(1, maxConnections)));
  }

  private record Answer(int status, Buffer body) {}

  private Future<Answer> call(HttpMethod method, String path, String contentType, Buffer body) {
    String base = urls.get(Math.floorMod(next.getAndIncrement(), urls.size()));
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(base + path).setTimeout(timeoutMillis);
    if (contentType != null) {
      options.putHeader("content-type", contentType);
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)));
  }

  @Override
  public Future<BulkResponse> bulk(Buffer body, int items) {
    return call(HttpMethod.POST, BULK_PATH, "application/x-ndjson", body).map(a -> {
      if (a.status < 200 || a.status >= 300) {
        return new BulkResponse(a.status, a.body.toString(), List.of());
      }
      return new BulkResponse(a.status, null, parseItems(a.body, items));
    });
  }

  /** Per-item results in request order; throws when Elasticsearch answered with fewer items. */
  static List<ItemResult> parseItems(Buffer body, int expected) {
    JsonNode root;
    try {
      root = JSON.readTree(body.getBytes());
    } catch (IOException e) {
      throw new IllegalStateException("unreadable bulk response: " + e.getMessage(), e);
    }
    JsonNode items = root.path("items");
    List<ItemResult> out = new ArrayList<>(items.size());
    for (JsonNode item : items) {
      JsonNode result = item.elements().hasNext() ? item.elements().next() : JSON.createObjectNode();
      JsonNode error = result.path("error");
      out.add(new ItemResult(result.path("status").asInt(0),
          error.isMissingNode() ? null : error.path("type").asText(null),
          error.isMissingNode() ? null : error.path("reason").asText(null)));
    }
    if (out.size() != expected) {
      throw new IllegalStateException("bulk response has " + out.size() + " items for " + expected + " actions");
    }
    return out;
  }

  @Override
  public Future<Void> installTemplate(int replicas) {
    String body;
    try {
      ObjectNode template = (ObjectNode) JSON.readTree(TraceIndex.templateJson());
      ((ObjectNode) template.path("template").path("settings")).put("number_of_replicas", replicas);
      body = JSON.writeValueAsString(template);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return call(HttpMethod.PUT, "/_index_template/" + TraceIndex.TEMPLATE_NAME, "application/json", Buffer.buffer(body))
        .compose(a -> ok(a, "installing the index template"));
  }

  @Override
  public Future<List<String>> traceIndices() {
    return getJson("/_cat/indices/" + TraceIndex.PREFIX + "*?format=json&h=index&expand_wildcards=all", "listing indices")
        .map(json -> {
          List<String> names = new ArrayList<>();
          for (JsonNode n : json) {
            names.add(n.path("index").asText());
          }
          return names;
        });
  }

  @Override
  public Future<Void> deleteIndex(String name) {
    if (name.contains("*") || name.contains(",") || name.startsWith("_")) {
      return Future.failedFuture(new IllegalArgumentException("refusing to delete by pattern: " + name));
    }
    return call(HttpMethod.DELETE, "/" + name, null, null)
        .compose(a -> a.status == 404 ? Future.succeededFuture() : ok(a, "deleting index " + name));
  }

  @Override
  public Future<Map<String, Integer>> segmentCounts() {
    String path = "/" + TraceIndex.PREFIX + "*/_stats/segments?level=indices&expand_wildcards=open"
        + "&filter_path=indices.*.primaries.segments.count";
    return getJson(path, "reading segment counts").map(json -> {
      Map<String, Integer> counts = new TreeMap<>();
      json.path("indices").fields()
          .forEachRemaining(e -> counts.put(e.getKey(), e.getValue().path("primaries").path("segments").path("count").asInt()));
      return counts;
    });
  }

  @Override
  public Future<Boolean> forceMergeRunning() {
    return getJson("/_tasks?actions=indices:admin/forcemerge*&group_by=none", "listing force-merge tasks")
        .map(json -> !json.path("tasks").isEmpty());
  }

  @Override
  public Future<Void> startForceMerge(String name) {
    if (name.contains("*") || name.contains(",") || name.startsWith("_")) {
      return Future.failedFuture(new IllegalArgumentException("refusing to merge by pattern: " + name));
    }
    return call(HttpMethod.POST, "/" + name + "/_forcemerge?max_num_segments=1&wait_for_completion=false", null, null)
        .compose(a -> ok(a, "force-merging index " + name));
  }

  /** GET whose 200 answer is JSON; any other status or unparseable JSON fails, naming {@code what}. */
  private Future<JsonNode> getJson(String path, String what) {
    return call(HttpMethod.GET, path, null, null).compose(a -> {
      if (a.status != 200) {
        return Future.failedFuture(new IOException(what + ": HTTP " + a.status + " " + a.body));
      }
      try {
        return Future.succeededFuture(JSON.readTree(a.body.getBytes()));
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private static Future<Void> ok(Answer a, String what) {
    return a.status >= 200 && a.status < 300
        ? Future.succeededFuture()
        : Future.failedFuture(new IOException(what + ": HTTP " + a.status + " " + a.body));
  }

  @Override
  public void close() {
    client.close();
  }
}
