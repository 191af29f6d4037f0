package io.mailtrace.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Overall outcome of one transaction. Stable names: they are stored and queried. */
public enum TraceStatus {
  /** Every recipient was accepted by the next hop. */
  RELAYED,
  /** Some recipients were accepted by the next hop, others refused or deferred. */
  PARTIAL,
  /** Temporarily refused (by us or the next hop); the client may retry. */
  DEFERRED,
  /** Permanently refused (by us or the next hop). */
  REJECTED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<TraceStatus> fromWireName(String s) {
    return Arrays.stream(values()).filter(v -> v.wireName().equals(s)).findFirst();
  }
}
