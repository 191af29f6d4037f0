package io.mailtrace.signer.dkim;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * Private keys from PEM text, and what DNS needs to publish their public half. Accepts PKCS#8
 * ({@code BEGIN PRIVATE KEY}, RSA or Ed25519) and PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Parse a
 * key once and keep the {@link PrivateKey}: parsing costs about as much as a signature. Error
 * messages never contain key material.
 */
public final class PemKeys {
  private PemKeys() {}

  /**
   * @throws IllegalArgumentException when the text holds no usable unencrypted private key
   */
  public static PrivateKey parsePrivateKey(String pem) {
    Object object;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      object = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable PEM private key (" + e.getClass().getSimpleName() + ")");
    }
    PrivateKeyInfo info;
    if (object instanceof PrivateKeyInfo pki) {
      info = pki;
    } else if (object instanceof PEMKeyPair pair) {
      info = pair.getPrivateKeyInfo();
    } else if (object == null) {
      throw new IllegalArgumentException(
          "no PEM private key found (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
    } else {
      throw new IllegalArgumentException(
          "unsupported PEM object " + object.getClass().getSimpleName()
              + " (expected an unencrypted BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
    }
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm;
    if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
      algorithm = "RSA";
    } else if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      algorithm = "Ed25519";
    } else {
      throw new IllegalArgumentException("unsupported private key algorithm OID " + oid.getId());
    }
    try {
      PrivateKey key =
          KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
      DkimAlgorithm.of(key); // refuses small RSA keys now rather than at the first message
      return key;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("invalid " + algorithm + " private key (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Reads and parses a PEM file. Blocking: call it at start-up or on a worker thread. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try {
      return parsePrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The PKCS#8 PEM form of a private key (for storage; never log it). */
  public static String toPkcs8Pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /** PEM armour (RFC 7468) around DER bytes of the given label, e.g. {@code CERTIFICATE}. */
  public static String pem(String label, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }

  /** The public key of a private key (RSA CRT keys, which PEM files always hold, and Ed25519). */
  public static PublicKey publicKey(PrivateKey key) {
    try {
      switch (DkimAlgorithm.of(key)) {
        case RSA_SHA256:
          if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("RSA key without CRT parameters: cannot derive its public key");
          }
          return KeyFactory.getInstance("RSA")
              .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        case ED25519_SHA256:
          SubjectPublicKeyInfo spki =
              new SubjectPublicKeyInfo(
                  new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), ed25519RawPublic(key));
          return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        default:
          throw new IllegalArgumentException("unsupported key");
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot derive the public key (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * The {@code p=} value of the key's DNS record: base64 of the DER SubjectPublicKeyInfo for RSA
   * (RFC 6376 §3.6.1), of the raw 32-byte public key for Ed25519 (RFC 8463 §4.2).
   */
  public static String dnsPublicKey(PrivateKey key) {
    if (DkimAlgorithm.of(key) == DkimAlgorithm.ED25519_SHA256) {
      return Base64.getEncoder().encodeToString(ed25519RawPublic(key));
    }
    return Base64.getEncoder().encodeToString(publicKey(key).getEncoded());
  }

  /** The TXT record value to publish at {@code <selector>._domainkey.<domain>}. */
  public static String dnsTxtRecord(PrivateKey key) {
    return "v=DKIM1; k=" + DkimAlgorithm.of(key).keyType() + "; p=" + dnsPublicKey(key);
  }

  private static byte[] ed25519RawPublic(PrivateKey key) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
      return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("invalid Ed25519 private key (" + e.getClass().getSimpleName() + ")");
    }
  }
}
