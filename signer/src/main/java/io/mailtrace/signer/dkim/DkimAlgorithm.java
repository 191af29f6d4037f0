package io.mailtrace.signer.dkim;

import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.util.Locale;

/** The signing algorithms we produce. Never rsa-sha1 (RFC 8301). */
public enum DkimAlgorithm {
  RSA_SHA256("rsa-sha256", "rsa"),
  /** RFC 8463: Ed25519 over SHA-256 of the header signing input. */
  ED25519_SHA256("ed25519-sha256", "ed25519");

  /** RFC 8301: verifiers must refuse RSA keys below 1024 bits; we never sign with one. */
  public static final int MIN_RSA_BITS = 1024;

  private final String tag;
  private final String keyType;

  DkimAlgorithm(String tag, String keyType) {
    this.tag = tag;
    this.keyType = keyType;
  }

  /** The {@code a=} tag value. */
  public String tag() {
    return tag;
  }

  /** The {@code k=} value of the key's DNS record. */
  public String keyType() {
    return keyType;
  }

  /**
   * The algorithm a private key signs with.
   *
   * @throws IllegalArgumentException for other key types and RSA keys under 1024 bits
   */
  public static DkimAlgorithm of(PrivateKey key) {
    String alg = key.getAlgorithm().toUpperCase(Locale.ROOT);
    switch (alg) {
      case "RSA":
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
          throw new IllegalArgumentException(
              "RSA key of " + rsa.getModulus().bitLength() + " bits; DKIM needs at least " + MIN_RSA_BITS);
        }
        return RSA_SHA256;
      case "ED25519":
      case "EDDSA":
        return ED25519_SHA256;
      default:
        throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    }
  }
}
