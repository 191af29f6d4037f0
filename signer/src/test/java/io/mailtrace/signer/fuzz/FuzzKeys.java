package io.mailtrace.signer.fuzz;

import io.mailtrace.model.DkimKind;
import io.mailtrace.signer.dkim.SigningKey;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** Keys generated once per JVM. Ed25519 by default: fuzzing wants many executions per second. */
final class FuzzKeys {
  private FuzzKeys() {}

  static final KeyPair ED25519 = generate("Ed25519", 0);

  /** RSA-2048 generation is slow on a loaded machine: only made when an input asks for it. */
  private static final class Rsa {
    static final KeyPair PAIR = generate("RSA", 2048);
  }

  static SigningKey ed25519(String domain) {
    return new SigningKey(domain, "fz1", DkimKind.CUSTOM, ED25519.getPrivate());
  }

  static SigningKey rsa(String domain) {
    return new SigningKey(domain, "fz2", DkimKind.SHARED, Rsa.PAIR.getPrivate());
  }

  static List<SigningKey> both() {
    return List.of(ed25519("example.com"), rsa("mailtrace.test"));
  }

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (bits > 0) {
        g.initialize(bits);
      }
      KeyPair pair = g.generateKeyPair();
      io.mailtrace.testkit.KeyMaterialRegistry.remember(pair.getPrivate()); // for the suite-wide leak scan
      return pair;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
