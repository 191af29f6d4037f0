package io.mailtrace.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.testkit.KeyMaterialRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner finds a registered key however it was printed, and nothing in harmless output. */
class KeyLeakScannerTest {
  @TempDir Path dir;

  static final PrivateKey RSA;
  static final PrivateKey ED;

  static {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      RSA = g.generateKeyPair().getPrivate();
      ED = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Not registered globally: these keys exist only inside this test's temporary files. */
  static KeyLeakScanner scanner() {
    Set<String> fp = new HashSet<>(KeyMaterialRegistry.fingerprints(RSA.getEncoded()));
    fp.addAll(KeyMaterialRegistry.fingerprints(ED.getEncoded()));
    return new KeyLeakScanner(fp);
  }

  List<KeyLeakScanner.Leak> scan(String content) {
    return scanner().scanText(dir.resolve("x"), content.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String pem(PrivateKey k, int width) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(width, new byte[] {'\n'}).encodeToString(k.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  void registeredKeysAreFoundInEveryUsualForm() {
    for (PrivateKey k : List.of(RSA, ED)) {
      String b64 = Base64.getEncoder().encodeToString(k.getEncoded());
      assertThat(scan("INFO key loaded: " + b64 + " done")).isNotEmpty();
      assertThat(scan("<system-out><![CDATA[" + pem(k, 64) + "]]></system-out>")).isNotEmpty();
      assertThat(scan(pem(k, 76).replace("-----BEGIN PRIVATE KEY-----", "key:"))).as("76-column body, no marker").isNotEmpty();
      // JSON-escaped in an API answer, marker removed: found by fingerprint alone
      assertThat(scan("{\"key\":\"" + pem(k, 64).replace("\n", "\\n").replace("-----BEGIN PRIVATE KEY-----", "") + "\"}")).isNotEmpty();
    }
  }

  @Test
  void anUnregisteredPemBlockIsFoundByItsMarker() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    PrivateKey other = g.generateKeyPair().getPrivate();
    assertThat(scan("stderr: " + pem(other, 64))).extracting(KeyLeakScanner.Leak::kind).containsExactly("PEM private key block");
    assertThat(scan("{\"pem\":\"" + pem(other, 64).replace("\n", "\\n") + "\"}")).hasSize(1);
    assertThat(scan("-----BEGIN RSA PRIVATE KEY-----&#10;MIIEowIBAAKCAQEAwJ3Vx7Hc0mQ4u1m3j9y8YcHn3b0x2kq7D8f9s0P1a2B3c4D5")).hasSize(1);
  }

  @Test
  void harmlessOutputIsNotALeak() {
    String pub = Base64.getEncoder().encodeToString(new byte[300]);
    assertThat(scan("expected a PEM starting with -----BEGIN PRIVATE KEY----- (got 'hello')")).isEmpty();
    assertThat(scan("v=DKIM1; k=rsa; p=" + pub)).isEmpty();
    assertThat(scan("at io.mailtrace.signer.dkim.PemKeys.parsePrivateKey(PemKeys.java:42)")).isEmpty();
  }

  @Test
  void scanWalksTargetDirectoriesButNotBuildProducts() throws Exception {
    Path target = Files.createDirectories(dir.resolve("mod/target"));
    Files.createDirectories(target.resolve("surefire-reports"));
    Files.createDirectories(target.resolve("test-classes"));
    Files.writeString(target.resolve("surefire-reports/TEST-x.xml"), "<testsuite/>");
    Files.writeString(target.resolve("test-classes/fixture.pem"), pem(RSA, 64)); // a copied resource: not output
    KeyLeakScanner.Result clean = scanner().scan(List.of(target), null);
    assertThat(clean.reportFiles()).isEqualTo(1);
    assertThat(clean.leaks()).isEmpty();

    // Key files a test wrote for the service to load are where keys belong.
    Files.createDirectories(target.resolve("dev-it/secrets"));
    Files.writeString(target.resolve("dev-it/secrets/dkim-shared.pem"), pem(RSA, 64));
    Files.writeString(target.resolve("dev-it/secrets/tls.key"), pem(ED, 64));
    assertThat(scanner().scan(List.of(target), null).leaks()).isEmpty();
    assertThat(scanner().scan(List.of(target), null).keyFiles()).isEqualTo(2);

    Files.writeString(target.resolve("surefire-reports/x-output.txt"), "12:00 INFO loaded " + Base64.getEncoder().encodeToString(RSA.getEncoded()));
    Files.writeString(target.resolve("node.log"), pem(ED, 64));
    KeyLeakScanner.Result dirty = scanner().scan(List.of(target), null);
    assertThat(dirty.leaks()).extracting(l -> l.file().getFileName().toString()).containsExactlyInAnyOrder("x-output.txt", "node.log", "node.log");
    assertThat(dirty.leaks().toString()).doesNotContain(Base64.getEncoder().encodeToString(RSA.getEncoded()).substring(900, 940));
  }
}
