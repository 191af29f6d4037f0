package io.mailtrace.signer.dkim;

import io.mailtrace.model.DkimKind;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

/** Keys generated once per test JVM (RSA-2048 generation is slow; never 1024 except vectors). */
final class TestKeys {
  private TestKeys() {}

  static final KeyPair SHARED_RSA = rsa();
  static final KeyPair CUSTOM_RSA = rsa();
  static final KeyPair ED25519 = ed25519();

  static SigningKey shared() {
    return new SigningKey("mailtrace.test", "shared1", DkimKind.SHARED, SHARED_RSA.getPrivate());
  }

  static SigningKey custom() {
    return new SigningKey("example.com", "mt2611281234", DkimKind.CUSTOM, CUSTOM_RSA.getPrivate());
  }

  static SigningKey customEd25519() {
    return new SigningKey("example.com", "ed1", DkimKind.CUSTOM, ED25519.getPrivate());
  }

  /** The TXT records of the test keys, by {@code <selector>._domainkey.<domain>}. */
  static java.util.Map<String, String> records() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (SigningKey k : java.util.List.of(shared(), custom(), customEd25519())) {
      m.put(io.mailtrace.testkit.DkimVerifiers.keyName(k.selector(), k.domain()), PemKeys.dnsTxtRecord(k.privateKey()));
    }
    return m;
  }

  /** Test keys are registered for the suite-wide leak scan (suite-audit). */
  private static KeyPair remembered(KeyPair pair) {
    io.mailtrace.testkit.KeyMaterialRegistry.remember(pair.getPrivate());
    return pair;
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return remembered(g.generateKeyPair());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ed25519() {
    try {
      return remembered(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
