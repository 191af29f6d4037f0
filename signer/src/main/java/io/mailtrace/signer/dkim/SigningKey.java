package io.mailtrace.signer.dkim;

import io.mailtrace.model.DkimKind;
import java.security.PrivateKey;
import java.util.Objects;

/**
 * A private key ready to sign with (parsed once and cached by whoever provides it).
 *
 * @param domain the {@code d=} tag
 * @param selector the {@code s=} tag
 * @param kind custom or shared, recorded in the trace record
 * @param privateKey an RSA private key (Ed25519 may follow)
 */
public record SigningKey(String domain, String selector, DkimKind kind, PrivateKey privateKey) {
  public SigningKey {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  @Override
  public String toString() {
    return "SigningKey[d=" + domain + ", s=" + selector + ", kind=" + kind + "]"; // never the key
  }
}
