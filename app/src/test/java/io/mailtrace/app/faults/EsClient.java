package io.mailtrace.app.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtrace.model.TraceIndex;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Elasticsearch REST calls the oracle needs, over the JDK HTTP client (blocking is fine in
 * a test thread, and it keeps the oracle independent of the product's ES code).
 */
final class EsClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String url;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  EsClient(String url) {
    this.url = url;
  }

  void refresh() throws IOException, InterruptedException {
    send("POST", "/" + TraceIndex.ALIAS + "/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
  }

  /** Every trace document whose message_id starts with {@code <tag.} or {@code tag.}, in id order. */
  List<JsonNode> documentsOfRun(String tag) throws IOException, InterruptedException {
    List<JsonNode> docs = new ArrayList<>();
    JsonNode after = null;
    while (true) {
      ObjectNode q = JSON.createObjectNode();
      q.put("size", 2000);
      ObjectNode bool = q.putObject("query").putObject("bool");
      ArrayNode should = bool.putArray("should");
      should.addObject().putObject("prefix").put("message_id", "<" + tag + ".");
      should.addObject().putObject("prefix").put("message_id", tag + ".");
      bool.put("minimum_should_match", 1);
      q.putArray("sort").addObject().put("id", "asc");
      if (after != null) {
        q.set("search_after", after);
      }
      JsonNode r = send("POST", "/" + TraceIndex.ALIAS + "/_search?ignore_unavailable=true&allow_no_indices=true", q.toString());
      JsonNode hits = r.path("hits").path("hits");
      if (hits.isEmpty()) {
        return docs;
      }
      hits.forEach(docs::add);
      after = hits.get(hits.size() - 1).path("sort");
    }
  }

  private JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return JSON.createObjectNode();
    }
    if (r.statusCode() >= 300) {
      throw new IOException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
