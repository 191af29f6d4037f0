package io.mailtrace.model;

import java.util.List;

/**
 * One DKIM-Signature the signer added to a message.
 *
 * @param domain the {@code d=} tag
 * @param selector the {@code s=} tag
 * @param kind custom or shared
 * @param algorithm the {@code a=} tag, e.g. {@code rsa-sha256}
 * @param canonicalization the {@code c=} tag, e.g. {@code relaxed/relaxed}
 * @param headers the signed header names, in {@code h=} order
 */
public record DkimSignatureInfo(
    String domain,
    String selector,
    DkimKind kind,
    String algorithm,
    String canonicalization,
    List<String> headers) {

  public DkimSignatureInfo {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }
}
