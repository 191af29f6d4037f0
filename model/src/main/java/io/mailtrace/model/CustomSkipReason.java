package io.mailtrace.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Why a domain's custom DKIM key was not applied to a message although the domain has one. */
public enum CustomSkipReason {
  /** The key is generated but its DNS record was never verified. */
  PENDING,
  /** The key was disabled by the domain's admin. */
  DISABLED,
  /** The From header's domain is not the key's domain. */
  FROM_MISMATCH,
  /** The key could not be loaded (e.g. it could not be decrypted); the shared signature was kept. */
  KEY_UNAVAILABLE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<CustomSkipReason> fromWireName(String s) {
    return Arrays.stream(values()).filter(v -> v.wireName().equals(s)).findFirst();
  }
}
