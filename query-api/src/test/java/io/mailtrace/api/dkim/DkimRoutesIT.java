package io.mailtrace.api.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.api.auth.Role;
import io.mailtrace.api.testsupport.ApiHarness;
import io.mailtrace.testkit.TestElasticsearch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The custom DKIM routes through the real router, JWT auth and failure handler; key service faked. */
class DkimRoutesIT {
  static FakeKeyService keys = new FakeKeyService();
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = new ApiHarness(List.of(TestElasticsearch.url()), List.of(new DkimRoutes(keys)));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void reset() {
    keys.keys.clear();
    keys.calls.clear();
  }

  static String path(String domain) {
    return "/api/v1/domains/" + domain + "/dkim";
  }

  HttpResponse<Buffer> call(HttpMethod m, String token, String path) {
    return m == HttpMethod.GET ? api.get(token, path, Map.of()) : api.send(m, token, path, null);
  }

  @Test
  void domainAdminManagesItsOwnDomain() {
    String t = api.token(Role.DOMAIN_ADMIN, "a.example");
    HttpResponse<Buffer> first = call(HttpMethod.GET, t, path("a.example"));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    JsonObject none = first.bodyAsJsonObject();
    assertThat(none.getString("state")).isEqualTo("none");

    HttpResponse<Buffer> created = call(HttpMethod.POST, t, path("a.example"));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject v = created.bodyAsJsonObject();
    assertThat(v.getString("state")).isEqualTo("pending");
    assertThat(v.getJsonObject("dns_record").getString("type")).isEqualTo("TXT");
    assertThat(v.getJsonObject("dns_record").getString("zone_file_line")).isNotBlank();
    assertThat(v.getString("expires_at")).isEqualTo("2026-12-05T12:00:00Z");

    HttpResponse<Buffer> conflict = call(HttpMethod.POST, t, path("a.example"));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
    assertThat(conflict.bodyAsJsonObject().getString("state")).isEqualTo("pending");
    assertThat(conflict.bodyAsJsonObject().getJsonObject("current").getString("selector")).isEqualTo("mt2611281234");

    HttpResponse<Buffer> check = call(HttpMethod.POST, t, path("a.example") + "/check");
    assertThat(check.statusCode()).isEqualTo(200);
    assertThat(check.bodyAsJsonObject()).isEqualTo(new JsonObject().put("result", "ok").put("message", "fine").put("state", "active"));

    assertThat(call(HttpMethod.DELETE, t, path("a.example")).statusCode()).isEqualTo(204);
    HttpResponse<Buffer> gone = call(HttpMethod.DELETE, t, path("a.example"));
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(call(HttpMethod.POST, t, path("a.example") + "/check").statusCode()).isEqualTo(404);
  }

  @Test
  void domainAdminCannotSeeOrChangeAnotherTenantsKey() {
    keys.activate("b.example");
    keys.calls.clear();
    String t = api.token(Role.DOMAIN_ADMIN, "a.example");
    HttpResponse<Buffer> see = call(HttpMethod.GET, t, path("b.example"));
    assertThat(see.statusCode()).isEqualTo(404);
    assertThat(see.bodyAsString()).doesNotContain("mt2611281234");
    assertThat(call(HttpMethod.POST, t, path("b.example")).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.POST, t, path("b.example") + "/check").statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.DELETE, t, path("b.example")).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.GET, t, path("B.Example")).statusCode()).isEqualTo(404);
    // The key service was never even asked about b.example.
    assertThat(keys.calls).isEmpty();
    assertThat(keys.keys.get("b.example").state().wireName()).isEqualTo("pending");
  }

  @Test
  void supportCanSeeButNotChange() {
    keys.activate("b.example");
    keys.calls.clear();
    String t = api.token(Role.SUPPORT);
    HttpResponse<Buffer> see = call(HttpMethod.GET, t, path("b.example"));
    assertThat(see.statusCode()).isEqualTo(200);
    assertThat(see.bodyAsJsonObject().getString("selector")).isEqualTo("mt2611281234");
    for (HttpResponse<Buffer> r : List.of(call(HttpMethod.POST, t, path("b.example")),
        call(HttpMethod.POST, t, path("b.example") + "/check"), call(HttpMethod.DELETE, t, path("b.example")))) {
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("forbidden");
    }
    assertThat(keys.calls).containsExactly("view b.example");
  }

  @Test
  void adminManagesEveryDomain() {
    String t = api.token(Role.ADMIN);
    assertThat(call(HttpMethod.POST, t, path("c.example")).statusCode()).isEqualTo(201);
    assertThat(call(HttpMethod.DELETE, t, path("c.example")).statusCode()).isEqualTo(204);
  }

  @Test
  void badInputAndMissingToken() {
    assertThat(call(HttpMethod.GET, null, path("a.example")).statusCode()).isEqualTo(401);
    assertThat(call(HttpMethod.POST, null, path("a.example")).statusCode()).isEqualTo(401);
    String t = api.token(Role.ADMIN);
    HttpResponse<Buffer> bad = call(HttpMethod.GET, t, path("not_a_domain"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("bad_parameter");
    assertThat(call(HttpMethod.POST, t, path("-x-")).statusCode()).isEqualTo(400);
  }
}
