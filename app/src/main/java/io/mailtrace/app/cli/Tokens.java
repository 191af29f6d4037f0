package io.mailtrace.app.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues HS256 JWTs with the claims the API checks: {@code sub}, {@code role}, {@code domains},
 * {@code iat}, {@code exp}. Plain JDK HMAC so the CLI needs no Vert.x instance.
 */
public final class Tokens {
  private Tokens() {}

  public static String issue(String secret, String subject, String role, List<String> domains, Duration ttl) {
    long now = Instant.now().getEpochSecond();
    StringBuilder doms = new StringBuilder("[");
    for (int i = 0; i < domains.size(); i++) {
      doms.append(i == 0 ? "" : ",").append('"').append(domains.get(i)).append('"');
    }
    doms.append(']');
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    String payload = "{\"sub\":\"" + subject + "\",\"role\":\"" + role + "\",\"domains\":" + doms
        + ",\"iat\":" + now + ",\"exp\":" + (now + ttl.toSeconds()) + "}";
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
