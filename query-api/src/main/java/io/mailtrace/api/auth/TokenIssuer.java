package io.mailtrace.api.auth;

import io.mailtrace.api.Syntax;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues HS256 JWTs the API accepts ({@code mailtrace token --role … [--domain d …] [--ttl 30d]}).
 * Claims: {@code sub}, {@code role}, {@code domains}, {@code iat}, {@code exp}. Pure Java, no
 * Vert.x instance needed; thread-safe.
 */
public final class TokenIssuer {
  /** Shortest secret accepted (bytes of UTF-8): HS256 wants at least 256 bits. */
  public static final int MIN_SECRET_LENGTH = 32;
  private static final Pattern TTL = Pattern.compile("(\\d{1,6})([smhd])");

  private final byte[] secret;
  private final Clock clock;

  public TokenIssuer(String secret, Clock clock) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_LENGTH + " bytes");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  public TokenIssuer(String secret) {
    this(secret, Clock.systemUTC());
  }

  /**
   * A signed token.
   *
   * @throws IllegalArgumentException when a domain is malformed, a domain-admin has no domain,
   *     or the ttl is not positive (message names the problem)
   */
  public String issue(String subject, Role role, List<String> domains, Duration ttl) {
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("subject is empty");
    }
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    List<String> normalized = new ArrayList<>();
    for (String d : domains) {
      String n = Syntax.domainOrNull(d);
      if (n == null) {
        throw new IllegalArgumentException("not a domain: " + d);
      }
      normalized.add(n);
    }
    if (role == Role.DOMAIN_ADMIN && normalized.isEmpty()) {
      throw new IllegalArgumentException("a domain-admin token needs at least one --domain");
    }
    long now = clock.instant().getEpochSecond();
    JsonObject header = new JsonObject().put("alg", "HS256").put("typ", "JWT");
    JsonObject claims = new JsonObject()
        .put("sub", subject)
        .put("role", role.wireName())
        .put("domains", new JsonArray(normalized.stream().distinct().toList()))
        .put("iat", now)
        .put("exp", now + ttl.toSeconds());
    String signingInput = b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
    return signingInput + "." + b64(hmac(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Parses a TTL such as {@code 30d}, {@code 12h}, {@code 15m}, {@code 90s}. */
  public static Duration parseTtl(String s) {
    Matcher m = TTL.matcher(s == null ? "" : s.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("ttl must look like 30d, 12h, 15m or 90s: " + s);
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + s);
    }
    return d;
  }

  private byte[] hmac(byte[] input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
