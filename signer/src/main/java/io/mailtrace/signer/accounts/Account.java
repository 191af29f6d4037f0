package io.mailtrace.signer.accounts;

import java.util.Locale;

/**
 * A sending account.
 *
 * @param name the login name, e.g. {@code shop@example.com} or {@code shop}
 * @param domain the one domain this account may send as (envelope sender and From header)
 */
public record Account(String name, String domain) {
  public Account {
    if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9._+@-]{1,128}")) {
      throw new IllegalArgumentException("account name must be 1-128 characters of [A-Za-z0-9._+@-]");
    }
    if (domain == null || !domain.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
      throw new IllegalArgumentException("account domain is not a domain name: " + domain);
    }
    domain = domain.toLowerCase(Locale.ROOT);
  }

  /** {@code user@domain} names carry their domain; plain names need it given. */
  public static Account of(String name, String domain) {
    if (domain == null || domain.isBlank()) {
      int at = name == null ? -1 : name.lastIndexOf('@');
      if (at <= 0) {
        throw new IllegalArgumentException("account '" + name + "' needs a domain (user@domain or a domain field)");
      }
      domain = name.substring(at + 1);
    }
    return new Account(name, domain);
  }
}
