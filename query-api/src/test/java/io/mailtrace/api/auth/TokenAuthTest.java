package io.mailtrace.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailtrace.api.error.ApiError;
import io.mailtrace.api.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens from {@link TokenIssuer} are accepted by {@link BearerAuth} (vertx-auth-jwt) and give the right caller. */
class TokenAuthTest {
  static final String SECRET = "unit-test-secret-0123456789abcdefghij";
  final Vertx vertx = Vertx.vertx();
  final BearerAuth auth = new BearerAuth(vertx, SECRET);
  final TokenIssuer issuer = new TokenIssuer(SECRET);

  @AfterEach
  void close() {
    vertx.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void issuedTokensVerify() throws Exception {
    Caller c = await(auth.authenticate(issuer.issue("ann", Role.DOMAIN_ADMIN, List.of("A.example", "b.example."), Duration.ofDays(30))));
    assertThat(c).isEqualTo(new Caller("ann", Role.DOMAIN_ADMIN, Set.of("a.example", "b.example")));
    assertThat(c.scope().allows("a.example")).isTrue();
    assertThat(c.scope().allows("c.example")).isFalse();
    assertThat(c.audited()).isFalse();
    Caller s = await(auth.authenticate(issuer.issue("sam", Role.SUPPORT, List.of(), Duration.ofHours(1))));
    assertThat(s.scope().unrestricted()).isTrue();
    assertThat(s.role().canWrite()).isFalse();
    assertThat(s.audited()).isTrue();
  }

  @Test
  void tamperedTokensAre401() {
    String t = issuer.issue("ann", Role.SUPPORT, List.of(), Duration.ofHours(1));
    String tampered = t.substring(0, t.length() - 2) + (t.endsWith("A") ? "BB" : "AA");
    assertThatThrownBy(() -> await(auth.authenticate(tampered))).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.UNAUTHORIZED));
  }

  @Test
  void aRememberedTokenStillExpiresAtItsExp() throws Exception {
    Instant[] now = {Instant.now()};
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    BearerAuth remembering = new BearerAuth(vertx, SECRET, clock);
    String t = issuer.issue("ann", Role.SUPPORT, List.of(), Duration.ofMinutes(10));
    assertThat(await(remembering.authenticate(t)).subject()).isEqualTo("ann");
    now[0] = now[0].plus(Duration.ofMinutes(9));
    assertThat(await(remembering.authenticate(t)).subject()).isEqualTo("ann");
    // Past exp and the leeway: refused although it verified before, and refused again after that.
    now[0] = now[0].plus(Duration.ofMinutes(1)).plusSeconds(BearerAuth.LEEWAY_SECONDS + 1);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> await(remembering.authenticate(t))).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.UNAUTHORIZED));
    }
  }

  @Test
  void aVerifiedTokenDoesNotVouchForAnAlteredCopy() throws Exception {
    String t = issuer.issue("ann", Role.DOMAIN_ADMIN, List.of("a.example"), Duration.ofHours(1));
    assertThat(await(auth.authenticate(t)).domains()).containsExactly("a.example");
    // Same header and signature, claims swapped for a wider role: must fail although t is remembered.
    String[] parts = t.split("\\.");
    String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
        .replace("domain-admin", "admin");
    String altered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
    assertThat(claims).contains("\"admin\"");
    assertThatThrownBy(() -> await(auth.authenticate(altered))).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.UNAUTHORIZED));
    assertThat(await(auth.authenticate(t)).role()).isEqualTo(Role.DOMAIN_ADMIN);
  }

  @Test
  void issuerRefusesBadInput() {
    assertThatThrownBy(() -> new TokenIssuer("short")).hasMessageContaining("32");
    assertThatThrownBy(() -> issuer.issue("x", Role.DOMAIN_ADMIN, List.of(), Duration.ofDays(1))).hasMessageContaining("--domain");
    assertThatThrownBy(() -> issuer.issue("x", Role.DOMAIN_ADMIN, List.of("not a domain"), Duration.ofDays(1))).hasMessageContaining("not a domain");
    assertThat(TokenIssuer.parseTtl("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(TokenIssuer.parseTtl("12h")).isEqualTo(Duration.ofHours(12));
    assertThatThrownBy(() -> TokenIssuer.parseTtl("forever")).hasMessageContaining("30d");
    assertThat(Role.fromWireName("domain-admin")).contains(Role.DOMAIN_ADMIN);
  }
}
