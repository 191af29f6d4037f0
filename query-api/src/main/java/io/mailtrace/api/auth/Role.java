package io.mailtrace.api.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a token holder may do. Stable wire names: they are the JWT {@code role} claim. */
public enum Role {
  /** Everything, every domain. */
  ADMIN,
  /** Read-only, every domain. */
  SUPPORT,
  /** Read and change, only the domains listed in the token. */
  DOMAIN_ADMIN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<Role> fromWireName(String s) {
    return Arrays.stream(values()).filter(r -> r.wireName().equals(s)).findFirst();
  }

  /** Whether this role may call routes that change state. */
  public boolean canWrite() {
    return this != SUPPORT;
  }
}
