package io.mailtrace.app.cli;

import io.mailtrace.api.auth.Role;
import io.mailtrace.api.auth.TokenIssuer;
import java.time.Duration;
import java.util.List;

/** Issues API tokens through the api module's {@link TokenIssuer}, so claims match what it checks. */
public final class Tokens {
  private Tokens() {}

  /**
   * @throws IllegalArgumentException when the secret is too short, a domain malformed or the role unknown
   */
  public static String issue(String secret, String subject, String role, List<String> domains, Duration ttl) {
    Role r = Role.fromWireName(role).orElseThrow(() -> new IllegalArgumentException("unknown role " + role));
    return new TokenIssuer(secret).issue(subject, r, domains, ttl);
  }
}
