package io.mailtrace.model.keys;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The outcome of looking up and checking a custom key's DKIM TXT record. Stable wire names. */
public enum DnsCheckResult {
  /** One record, a well-formed DKIM key record, holding exactly our public key. */
  OK,
  /** NXDOMAIN or no TXT record at the name. */
  NOT_FOUND,
  /** Several TXT records at the name: receivers cannot tell which one to use. */
  MULTIPLE_RECORDS,
  /** The TXT value is not a valid DKIM key record (bad tag list, bad base64, not an RSA key). */
  MALFORMED,
  /** A valid key record, but with another public key. */
  KEY_MISMATCH,
  /** The record has an empty {@code p=}: the key is revoked. */
  REVOKED,
  /** SERVFAIL, timeout or unreachable resolver: temporary, never counts against the domain. */
  DNS_ERROR;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DnsCheckResult> fromWireName(String s) {
    return Arrays.stream(values()).filter(v -> v.wireName().equals(s)).findFirst();
  }

  /** A temporary failure says nothing about the published record. */
  public boolean temporary() {
    return this == DNS_ERROR;
  }
}
