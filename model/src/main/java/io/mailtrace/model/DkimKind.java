package io.mailtrace.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Whose key made a signature: the platform's shared key or the sender domain's custom key. */
public enum DkimKind {
  CUSTOM,
  SHARED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<DkimKind> fromWireName(String s) {
    return Arrays.stream(values()).filter(v -> v.wireName().equals(s)).findFirst();
  }
}
