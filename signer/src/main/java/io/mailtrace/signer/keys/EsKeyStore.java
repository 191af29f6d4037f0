package io.mailtrace.signer.keys;

import io.mailtrace.model.keys.KeyState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@link KeyStore} on Elasticsearch through its REST API with the Vert.x HTTP client (the
 * signer module has no ES client dependency, and a handful of get/index/search calls do not need
 * one). Writes use {@code refresh=true} so the next search on any node sees them (key writes are
 * rare); updates use {@code if_seq_no}/{@code if_primary_term}.
 */
public final class EsKeyStore implements KeyStore {
  /** More keys than this in one query would need paging; far above any platform's domains. */
  private static final int MAX_KEYS = 10_000;
  private final HttpClient http;
  private final String base;
  private final String index;

  public EsKeyStore(Vertx vertx, String esUrl, String index) {
    this.http = vertx.createHttpClient();
    this.base = esUrl.endsWith("/") ? esUrl.substring(0, esUrl.length() - 1) : esUrl;
    this.index = index;
  }

  private record Reply(int status, JsonObject body) {}

  private Future<Reply> call(HttpMethod method, String path, JsonObject body) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(base + path)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    return http.request(o)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body.encode())))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(),
            b.length() == 0 ? new JsonObject() : new JsonObject(b))));
  }

  private static Future<Reply> expect(Reply r, int... ok) {
    for (int s : ok) {
      if (r.status() == s) {
        return Future.succeededFuture(r);
      }
    }
    // The error body of ES never contains our documents' sealed fields, only its reason.
    JsonObject err = r.body().getJsonObject("error");
    String reason = err == null ? "" : err.getString("type", "") + ": " + err.getString("reason", "");
    return Future.failedFuture(new IllegalStateException("Elasticsearch answered " + r.status() + " " + reason));
  }

  @Override
  public Future<Void> ensureIndex() {
    return call(HttpMethod.HEAD, "/" + index, null).compose(r -> {
      if (r.status() == 200) {
        return Future.succeededFuture();
      }
      return call(HttpMethod.PUT, "/" + index, DkimKeyRecord.indexBody()).compose(c -> {
        // Another node may have created it in between.
        if (c.status() == 400 && c.body().encode().contains("resource_already_exists_exception")) {
          return Future.succeededFuture();
        }
        return expect(c, 200).mapEmpty();
      });
    });
  }

  @Override
  public Future<List<DkimKeyRecord>> forDomain(String domain) {
    JsonObject q = new JsonObject().put("term", new JsonObject().put("domain", domain));
    return search(q, "desc");
  }

  @Override
  public Future<List<DkimKeyRecord>> inStates(Set<KeyState> states) {
    JsonArray values = new JsonArray();
    states.forEach(s -> values.add(s.wireName()));
    JsonObject q = new JsonObject().put("terms", new JsonObject().put("state", values));
    return search(q, "asc");
  }

  private Future<List<DkimKeyRecord>> search(JsonObject query, String order) {
    JsonObject body = new JsonObject()
        .put("query", query)
        .put("size", MAX_KEYS)
        .put("seq_no_primary_term", true)
        .put("sort", new JsonArray()
            .add(new JsonObject().put("created_at", new JsonObject().put("order", order)))
            .add(new JsonObject().put("selector", new JsonObject().put("order", order))));
    return call(HttpMethod.POST, "/" + index + "/_search", body)
        .compose(r -> r.status() == 404 ? Future.succeededFuture(new Reply(200, emptyHits())) : expect(r, 200))
        .map(r -> {
          List<DkimKeyRecord> out = new ArrayList<>();
          JsonArray hits = r.body().getJsonObject("hits").getJsonArray("hits");
          for (int i = 0; i < hits.size(); i++) {
            JsonObject h = hits.getJsonObject(i);
            out.add(DkimKeyRecord.fromDocument(h.getJsonObject("_source"),
                h.getLong("_seq_no"), h.getLong("_primary_term")));
          }
          return out;
        });
  }

  private static JsonObject emptyHits() {
    return new JsonObject().put("hits", new JsonObject().put("hits", new JsonArray()));
  }

  @Override
  public Future<DkimKeyRecord> create(DkimKeyRecord record) {
    return call(HttpMethod.PUT, "/" + index + "/_create/" + enc(record.id()) + "?refresh=true",
        record.toDocument())
        .compose(r -> r.status() == 409
            ? Future.failedFuture(new ConcurrentUpdateException(record.id()))
            : expect(r, 201, 200))
        .map(r -> record.withVersion(r.body().getLong("_seq_no"), r.body().getLong("_primary_term")));
  }

  @Override
  public Future<DkimKeyRecord> update(DkimKeyRecord record) {
    String path = "/" + index + "/_doc/" + enc(record.id()) + "?refresh=true&if_seq_no="
        + record.seqNo() + "&if_primary_term=" + record.primaryTerm();
    return call(HttpMethod.PUT, path, record.toDocument())
        .compose(r -> r.status() == 409
            ? Future.failedFuture(new ConcurrentUpdateException(record.id()))
            : expect(r, 200, 201))
        .map(r -> record.withVersion(r.body().getLong("_seq_no"), r.body().getLong("_primary_term")));
  }

  private static String enc(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }
}
