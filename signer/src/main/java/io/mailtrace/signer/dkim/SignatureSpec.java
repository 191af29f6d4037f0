package io.mailtrace.signer.dkim;

import java.util.List;
import java.util.Objects;

/**
 * The tags of one DKIM-Signature besides key, algorithm and hashes. The signer builds one per
 * message ({@link #standard}); tests use the other fields to reproduce published signatures.
 *
 * @param timestamp the {@code t=} value in seconds since the epoch, or null to omit it
 * @param headers the {@code h=} list, in order, repeated names and absent (over-signed) ones included
 * @param identity the {@code i=} value, or null to omit it (it then defaults to {@code @d})
 * @param queryMethod whether to write {@code q=dns/txt} (the default when absent)
 * @param headerSeparator what separates {@code h=} names: {@code ":"} or the RFC examples' {@code " : "}
 */
public record SignatureSpec(
    Long timestamp,
    List<String> headers,
    String identity,
    boolean queryMethod,
    String headerSeparator) {

  public SignatureSpec {
    headers = List.copyOf(headers);
    Objects.requireNonNull(headerSeparator, "headerSeparator");
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("h= needs at least From");
    }
    if (!headerSeparator.strip().equals(":")) {
      throw new IllegalArgumentException("headerSeparator must be ':' with optional spaces");
    }
  }

  /** What {@link DkimSignerCore} signs with: t=, h=, no i=, no q=, compact h= list. */
  public static SignatureSpec standard(long timestamp, List<String> headers) {
    return new SignatureSpec(timestamp, headers, null, false, ":");
  }
}
