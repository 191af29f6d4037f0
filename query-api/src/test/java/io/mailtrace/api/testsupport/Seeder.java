package io.mailtrace.api.testsupport;

import io.mailtrace.model.TraceIndex;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Test-side writer to the real Elasticsearch (blocking JDK HttpClient, used from test threads
 * only): installs the trace template and bulk-indexes records with {@code create} + {@code _id}.
 */
public final class Seeder {
  private final String url;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public Seeder(String url) {
    this.url = url;
  }

  public void installTemplate() {
    send("PUT", "/_index_template/" + TraceIndex.TEMPLATE_NAME, TraceIndex.templateJson().getBytes(StandardCharsets.UTF_8), "application/json");
  }

  /** Bulk-creates records in batches; 409 (already there) counts as success. Refreshes once at the end. */
  public void index(List<TraceRecord> records, int batch) {
    for (int i = 0; i < records.size(); i += batch) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (TraceRecord r : records.subList(i, Math.min(records.size(), i + batch))) {
        String action = "{\"create\":{\"_index\":\"" + TraceIndex.indexFor(r.timestamp()) + "\",\"_id\":\"" + r.id() + "\"}}\n";
        body.writeBytes(action.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(TraceJson.toBytes(r));
        body.write('\n');
      }
      String resp = send("POST", "/_bulk", body.toByteArray(), "application/x-ndjson");
      if (resp.contains("\"errors\":true") && resp.replaceAll("\"status\":(201|409)", "").contains("\"status\":")) {
        throw new IllegalStateException("bulk item failures: " + resp.substring(0, Math.min(2000, resp.length())));
      }
    }
    refresh();
  }

  public void refresh() {
    send("POST", "/" + TraceIndex.PREFIX + "*/_refresh", new byte[0], "application/json");
  }

  public String send(String method, String path, byte[] body, String contentType) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(url + path))
          .timeout(Duration.ofMinutes(5))
          .header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      String text;
      try (InputStream in = resp.body()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (resp.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + " -> " + resp.statusCode() + ": " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
