package io.mailtrace.api.es;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thin non-blocking JSON client for the Elasticsearch REST API over the Vert.x WebClient
 * (see docs/adr/0005-query-api.md for why not the Java client). Requests rotate over the
 * configured nodes. Connection failures, timeouts and 429/502/503/504 become
 * {@link EsUnavailableException}; other error statuses become {@link EsException}.
 * Safe to use from any event-loop thread.
 */
public final class EsHttp {
  private final WebClient client;
  private final List<URI> nodes;
  private final long timeoutMillis;
  private final AtomicInteger next = new AtomicInteger();

  public EsHttp(Vertx vertx, List<String> urls, Duration timeout) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no Elasticsearch URL");
    }
    this.nodes = urls.stream().map(u -> URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u)).toList();
    this.timeoutMillis = timeout.toMillis();
    // No Accept-Encoding: gzip would cost Elasticsearch and us CPU on every search to save
    // bandwidth a data-centre link does not need (search answers are a few KB).
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setUserAgent("mailtrace-query-api")
        .setDecompressionSupported(false), new PoolOptions().setHttp1MaxSize(32));
  }

  public Future<JsonObject> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  public Future<JsonObject> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body == null ? null : body.toBuffer());
  }

  public Future<JsonObject> put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body == null ? null : body.toBuffer());
  }

  public Future<JsonObject> delete(String path, JsonObject body) {
    return send(HttpMethod.DELETE, path, body == null ? null : body.toBuffer());
  }

  /** Sends a raw body (e.g. NDJSON for _bulk) and returns the parsed JSON answer. */
  public Future<JsonObject> send(HttpMethod method, String path, Buffer body) {
    URI node = nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
    HttpRequest<Buffer> req = client.requestAbs(method, node.toString() + path).timeout(timeoutMillis);
    Future<HttpResponse<Buffer>> sent;
    if (body == null) {
      sent = req.send();
    } else {
      req.putHeader("Content-Type", path.contains("_bulk") ? "application/x-ndjson" : "application/json");
      sent = req.sendBuffer(body);
    }
    return sent.transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(new EsUnavailableException("elasticsearch unreachable: " + ar.cause().getMessage(), ar.cause()));
      }
      try {
        return Future.succeededFuture(decode(ar.result()));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private static JsonObject decode(HttpResponse<Buffer> resp) {
    int status = resp.statusCode();
    JsonObject json;
    try {
      Buffer b = resp.body();
      json = b == null || b.length() == 0 ? new JsonObject() : new JsonObject(b);
    } catch (DecodeException e) {
      json = new JsonObject();
    }
    if (status == 429 || status == 502 || status == 503 || status == 504) {
      throw new EsUnavailableException("elasticsearch answered " + status, null);
    }
    if (status >= 300) {
      JsonObject err = json.getValue("error") instanceof JsonObject o ? o : new JsonObject();
      throw new EsException(status, err.getString("type", "unknown"), err.getString("reason", String.valueOf(json.getValue("error"))));
    }
    return json;
  }

  public void close() {
    client.close();
  }
}
