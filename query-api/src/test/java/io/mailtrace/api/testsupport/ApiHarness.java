package io.mailtrace.api.testsupport;

import io.mailtrace.api.ApiConfig;
import io.mailtrace.api.ApiRoutes;
import io.mailtrace.api.ApiVerticle;
import io.mailtrace.api.auth.Role;
import io.mailtrace.api.auth.TokenIssuer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A running API (real HTTP server, real Elasticsearch) plus a client and token helpers, for ITs. */
public final class ApiHarness implements AutoCloseable {
  public static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";
  public final Vertx vertx = Vertx.vertx();
  public final WebClient client = WebClient.create(vertx);
  public final TokenIssuer tokens = new TokenIssuer(SECRET);
  public final int port;

  public ApiHarness(List<String> esUrls, List<ApiRoutes> extensions) {
    ApiVerticle v = new ApiVerticle(ApiConfig.of("127.0.0.1", 0, SECRET, esUrls), extensions, () -> "# metrics\nmailtrace_up 1\n");
    await(vertx.deployVerticle(v));
    this.port = v.actualPort();
  }

  public String token(Role role, String... domains) {
    return tokens.issue(role.wireName() + "-user", role, List.of(domains), Duration.ofHours(1));
  }

  /** GET with a bearer token (null = none) and query params; blocks the test thread. */
  public HttpResponse<Buffer> get(String token, String path, Map<String, String> query) {
    var req = client.get(port, "127.0.0.1", path).timeout(120_000);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    query.forEach(req::addQueryParam);
    return await(req.send());
  }

  public HttpResponse<Buffer> send(io.vertx.core.http.HttpMethod method, String token, String path, Buffer body) {
    var req = client.request(method, port, "127.0.0.1", path).timeout(120_000);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return await(body == null ? req.send() : req.sendBuffer(body));
  }

  public JsonObject getJson(String token, String path, Map<String, String> query) {
    HttpResponse<Buffer> r = get(token, path, query);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + path + " " + query + " -> " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  public static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
