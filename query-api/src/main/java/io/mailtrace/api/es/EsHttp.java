package io.mailtrace.api.es;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thin non-blocking JSON client for the Elasticsearch REST API over the Vert.x HTTP client
 * (see docs/adr/0005-query-api.md for why not the Java client, and the core client rather than
 * the WebClient: it is on the path of every search, and its request pipeline cost more than the
 * rest of ours). Requests rotate over the
 * configured nodes. Connection failures, timeouts and 429/502/503/504 become
 * {@link EsUnavailableException}; other error statuses become {@link EsException}.
 * Safe to use from any event-loop thread.
 */
public final class EsHttp {
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence NDJSON = HttpHeaders.createOptimized("application/x-ndjson");

  private static final CharSequence USER_AGENT = HttpHeaders.createOptimized("mailtrace-query-api");

  /** Where requests for one configured URL go; a URL without a port means its scheme's port. */
  record Node(String host, int port, boolean tls, String basePath) {}

  static Node node(String url) {
    URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    boolean tls = "https".equals(uri.getScheme());
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    return new Node(uri.getHost(), port, tls, uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  private final HttpClient client;
  private final List<Node> nodes;
  private final long timeoutMillis;
  private final AtomicInteger next = new AtomicInteger();

  public EsHttp(Vertx vertx, List<String> urls, Duration timeout) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no Elasticsearch URL");
    }
    this.nodes = urls.stream().map(EsHttp::node).toList();
    this.timeoutMillis = timeout.toMillis();
    // No Accept-Encoding: gzip would cost Elasticsearch and us CPU on every search to save
    // bandwidth a data-centre link does not need (search answers are a few KB).
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false), new PoolOptions().setHttp1MaxSize(32));
  }

  public Future<JsonObject> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  public Future<JsonObject> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body == null ? null : body.toBuffer());
  }

  /** A POST whose 2xx answer the caller reads itself (searches stream it into typed rows). */
  public Future<Buffer> postForBody(String path, JsonObject body) {
    return exchange(HttpMethod.POST, path, body.toBuffer());
  }

  public Future<JsonObject> put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body == null ? null : body.toBuffer());
  }

  public Future<JsonObject> delete(String path, JsonObject body) {
    return send(HttpMethod.DELETE, path, body == null ? null : body.toBuffer());
  }

  /** Sends a raw body (e.g. NDJSON for _bulk) and returns the parsed JSON answer. */
  public Future<JsonObject> send(HttpMethod method, String path, Buffer body) {
    return exchange(method, path, body).map(EsHttp::json);
  }

  /** The body of a 2xx answer; an error status or a transport failure fails the future (see the class comment). */
  private Future<Buffer> exchange(HttpMethod method, String path, Buffer body) {
    Node node = nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(node.host())
        .setPort(node.port())
        .setSsl(node.tls())
        .setURI(node.basePath() + path)
        .setIdleTimeout(timeoutMillis)
        .putHeader(HttpHeaders.USER_AGENT, USER_AGENT);
    if (body != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, path.contains("_bulk") ? NDJSON : JSON);
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)))
        .transform(ar -> ar.succeeded()
            ? checked(ar.result())
            : Future.failedFuture(new EsUnavailableException("elasticsearch unreachable: " + ar.cause().getMessage(), ar.cause())));
  }

  private record Answer(int status, Buffer body) {}

  private static Future<Buffer> checked(Answer a) {
    int status = a.status();
    if (status == 429 || status == 502 || status == 503 || status == 504) {
      return Future.failedFuture(new EsUnavailableException("elasticsearch answered " + status, null));
    }
    if (status >= 300) {
      JsonObject parsed = json(a.body());
      JsonObject err = parsed.getValue("error") instanceof JsonObject o ? o : new JsonObject();
      return Future.failedFuture(new EsException(status, err.getString("type", "unknown"),
          err.getString("reason", String.valueOf(parsed.getValue("error")))));
    }
    return Future.succeededFuture(a.body());
  }

  /** The answer as JSON; an empty or non-JSON body is an empty object. */
  private static JsonObject json(Buffer b) {
    try {
      return b == null || b.length() == 0 ? new JsonObject() : new JsonObject(b);
    } catch (DecodeException e) {
      return new JsonObject();
    }
  }

  public void close() {
    client.close();
  }
}
