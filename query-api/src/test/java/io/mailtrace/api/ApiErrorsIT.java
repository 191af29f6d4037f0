package io.mailtrace.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.api.auth.Role;
import io.mailtrace.api.auth.TokenIssuer;
import io.mailtrace.api.testsupport.ApiHarness;
import io.mailtrace.api.testsupport.Seeder;
import io.mailtrace.testkit.TestElasticsearch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every kind of bad input gets the documented 4xx with a JSON error naming the problem; Elasticsearch down gives 503. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiErrorsIT {
  ApiHarness api;
  String admin;

  @BeforeAll
  void start() {
    String es = TestElasticsearch.url();
    new Seeder(es).installTemplate();
    api = new ApiHarness(List.of(es), List.of());
    admin = api.token(Role.ADMIN);
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  static void assertError(HttpResponse<Buffer> r, int status, String code, String mentions) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    JsonObject err = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(err.getString("code")).isEqualTo(code);
    assertThat(err.getString("message")).contains(mentions);
    assertThat(r.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.mailtrace");
  }

  @Test
  void badParametersAre400NamingTheParameter() {
    Map<Map<String, String>, String> cases = new LinkedHashMap<>();
    cases.put(Map.of("from", "yesterday"), "'from'");
    cases.put(Map.of("to", "2026-13-01"), "'to'");
    cases.put(Map.of("from", "2026-01-02", "to", "2026-01-01"), "'from'");
    cases.put(Map.of("from", "2020-01-01", "to", "2026-01-01"), "'from'");
    cases.put(Map.of("status", "sent"), "'status'");
    cases.put(Map.of("size", "0"), "'size'");
    cases.put(Map.of("size", "501"), "'size'");
    cases.put(Map.of("size", "ten"), "'size'");
    cases.put(Map.of("cursor", "garbage"), "'cursor'");
    cases.put(Map.of("cursor", "AAAA.AAAA"), "'cursor'");
    cases.put(Map.of("domain", "not_a_domain"), "'domain'");
    cases.put(Map.of("domain", "a.example;drop"), "'domain'");
    cases.put(Map.of("domain", "*"), "'domain'");
    cases.put(Map.of("recipient", "no-at-sign"), "'recipient'");
    cases.put(Map.of("recipient", "a b@x.example"), "'recipient'");
    cases.put(Map.of("recipient", "user@"), "'recipient'");
    cases.put(Map.of("account", "a b"), "'account'");
    cases.put(Map.of("account", ""), "'account'");
    cases.put(Map.of("dkim_kind", "both"), "'dkim_kind'");
    cases.put(Map.of("dkim_selector", "s*"), "'dkim_selector'");
    cases.put(Map.of("dkim_domain", "a..example"), "'dkim_domain'");
    cases.put(Map.of("client_ip", "999.1.1.1"), "'client_ip'");
    cases.put(Map.of("client_ip", "10.0.0.0/33"), "'client_ip'");
    cases.put(Map.of("message_id", "<a b@c>"), "'message_id'");
    cases.put(Map.of("subject", "x".repeat(501)), "'subject'");
    cases.put(Map.of("q", "*"), "'q'");
    cases.put(Map.of("query", "{\"script\":1}"), "'query'");
    cases.forEach((params, mention) -> {
      assertError(api.get(admin, "/api/v1/mail-sent", params), 400, "bad_parameter", mention);
      if (!params.containsKey("size") && !params.containsKey("cursor")) {
        assertError(api.get(admin, "/api/v1/mail-sent/export.csv", params), 400, "bad_parameter", mention);
        assertError(api.get(admin, "/api/v1/stats", params), 400, "bad_parameter", mention);
      }
    });
    // A parameter given twice.
    assertError(api.get(admin, "/api/v1/mail-sent?domain=a.example&domain=b.example", Map.of()), 400, "bad_parameter", "'domain'");
    assertError(api.get(admin, "/api/v1/mail-sent/bad*id", Map.of()), 400, "bad_parameter", "'id'");
    assertError(api.get(admin, "/api/v1/audit", Map.of("size", "9999")), 400, "bad_parameter", "'size'");
  }

  @Test
  void searchSyntaxInTextIsJustText() {
    for (String s : List.of("foo AND bar*", "subject:(x OR y) ~2", "/.*/", "\" OR 1=1 --", "{\"script\":{}}")) {
      HttpResponse<Buffer> r = api.get(admin, "/api/v1/mail-sent", Map.of("subject", s, "from", "2026-01-01", "to", "2026-01-02"));
      assertThat(r.statusCode()).as(s + ": " + r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getJsonArray("items")).isEmpty();
    }
  }

  @Test
  void badTokensAre401() {
    String path = "/api/v1/mail-sent";
    assertError(api.get(null, path, Map.of()), 401, "unauthorized", "token");
    assertError(api.send(HttpMethod.GET, null, path, null), 401, "unauthorized", "token");
    assertError(api.get("garbage", path, Map.of()), 401, "unauthorized", "token");
    // expired
    TokenIssuer past = new TokenIssuer(ApiHarness.SECRET, Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC));
    assertError(api.get(past.issue("old", Role.ADMIN, List.of(), Duration.ofHours(1)), path, Map.of()), 401, "unauthorized", "expired");
    // forged: signed with another secret
    TokenIssuer other = new TokenIssuer("another-secret-0123456789-abcdefghijklmnop");
    assertError(api.get(other.issue("mallory", Role.ADMIN, List.of(), Duration.ofHours(1)), path, Map.of()), 401, "unauthorized", "token");
    // forged: claims edited after signing (domain-admin → admin)
    String real = api.token(Role.DOMAIN_ADMIN, "a.example");
    String[] parts = real.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("domain-admin", "admin");
    String edited = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertError(api.get(edited, path, Map.of()), 401, "unauthorized", "token");
    // alg=none
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + parts[1] + ".";
    assertError(api.get(none, path, Map.of()), 401, "unauthorized", "token");
    // properly signed but with an unknown role
    String unknownRole = signedWithClaims(new JsonObject().put("sub", "x").put("role", "root").put("exp", Instant.now().getEpochSecond() + 600));
    assertError(api.get(unknownRole, path, Map.of()), 401, "unauthorized", "claims");
    String noExp = signedWithClaims(new JsonObject().put("sub", "x").put("role", "admin"));
    assertError(api.get(noExp, path, Map.of()), 401, "unauthorized", "expiry");
  }

  /** An HS256 token with arbitrary claims, signed with the right secret. */
  static String signedWithClaims(JsonObject claims) {
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
          + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(ApiHarness.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void unknownRoutesAndMethods() {
    assertError(api.get(admin, "/api/v1/nope", Map.of()), 404, "not_found", "route");
    HttpResponse<Buffer> post = api.send(HttpMethod.POST, admin, "/api/v1/mail-sent", Buffer.buffer("{}"));
    assertThat(post.statusCode()).isIn(404, 405);
    assertThat(post.bodyAsJsonObject().getJsonObject("error").getString("code")).isIn("not_found", "method_not_allowed");
  }

  @Test
  void elasticsearchDownIs503WithRetryAfter() {
    try (ApiHarness down = new ApiHarness(List.of("http://127.0.0.1:1"), List.of())) {
      String tok = down.token(Role.ADMIN);
      for (String path : List.of("/api/v1/mail-sent", "/api/v1/stats", "/api/v1/mail-sent/ABC", "/api/v1/mail-sent/export.csv")) {
        HttpResponse<Buffer> r = down.get(tok, path, Map.of());
        assertError(r, 503, "unavailable", "unavailable");
        assertThat(r.getHeader("Retry-After")).isEqualTo("5");
      }
      HttpResponse<Buffer> health = down.get(null, "/health", Map.of());
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.getHeader("Retry-After")).isNotNull();
      // bad input is still a 400, not a 503: it is checked before Elasticsearch is asked
      assertError(down.get(tok, "/api/v1/mail-sent", Map.of("size", "0")), 400, "bad_parameter", "'size'");
    }
  }
}
