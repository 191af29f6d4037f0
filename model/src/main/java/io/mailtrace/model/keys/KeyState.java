package io.mailtrace.model.keys;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a domain's custom DKIM key is in its lifecycle. Wire names are stable (lower case). */
public enum KeyState {
  /** The domain has no custom key (never activated, or the last one was disabled or expired). */
  NONE,
  /** Generated, waiting for its DNS record to be verified; not used for signing. */
  PENDING,
  /** Verified once; signs every message of the domain. */
  ACTIVE,
  /** Removed by the domain's admin; the private key is destroyed. */
  DISABLED,
  /** Never verified within the allowed time and removed automatically; key destroyed. */
  EXPIRED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<KeyState> fromWireName(String s) {
    return Arrays.stream(values()).filter(v -> v.wireName().equals(s)).findFirst();
  }

  /** True for the states holding a private key (at most one such key per domain). */
  public boolean live() {
    return this == PENDING || this == ACTIVE;
  }
}
