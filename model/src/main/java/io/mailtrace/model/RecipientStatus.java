package io.mailtrace.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** What the next hop (or we) answered for one recipient. */
public enum RecipientStatus {
  RELAYED,
  DEFERRED,
  REJECTED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<RecipientStatus> fromWireName(String s) {
    return Arrays.stream(values()).filter(v -> v.wireName().equals(s)).findFirst();
  }
}
