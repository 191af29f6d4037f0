package io.mailtrace.signer.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6376 §3.6.1 key records: accepted spellings, rejected ones, keys compared as keys. */
class DkimTxtRecordTest {
  static RSAPublicKey key;
  static String spki;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    io.mailtrace.testkit.KeyMaterialRegistry.remember(kp.getPrivate());
    key = (RSAPublicKey) kp.getPublic();
    spki = Base64.getEncoder().encodeToString(key.getEncoded());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "v=DKIM1; k=rsa; p=%s",
      "v=DKIM1;k=rsa;p=%s;",
      "p=%s",
      "k=rsa; t=y; p=%s; n=notes",
      "  v = DKIM1 ;  p = %s  ",
      "v=DKIM1; h=sha256; k=rsa; s=email; p=%s"})
  void acceptedSpellingsCarryTheSameKey(String template) throws Exception {
    DkimTxtRecord r = DkimTxtRecord.parse(template.formatted(spki));
    assertThat(r.revoked()).isFalse();
    assertThat(r.sameKeyAs(key)).isTrue();
  }

  @Test
  void whitespaceInsideTheKeyIsIgnored() throws Exception {
    String spaced = spki.substring(0, 50) + " \t " + spki.substring(50, 300) + "\r\n " + spki.substring(300);
    assertThat(DkimTxtRecord.parse("v=DKIM1; p=" + spaced).sameKeyAs(key)).isTrue();
  }

  @Test
  void pkcs1KeyIsComparedAsAKey() throws Exception {
    // The same key as a bare RSAPublicKey (the SPKI's BIT STRING content): still the same key.
    byte[] der = key.getEncoded();
    byte[] pkcs1 = java.util.Arrays.copyOfRange(der, 24, der.length); // 2048-bit SPKI header is 24 bytes
    DkimTxtRecord r = DkimTxtRecord.parse("v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pkcs1));
    assertThat(r.sameKeyAs(key)).isTrue();
  }

  @Test
  void emptyPIsRevoked() throws Exception {
    assertThat(DkimTxtRecord.parse("v=DKIM1; k=rsa; p=").revoked()).isTrue();
    assertThat(DkimTxtRecord.parse("v=DKIM1; p= ;").revoked()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "k=rsa; p=%s; v=DKIM1",
      "v=DKIM2; p=%s",
      "v=DKIM1; k=ed25519; p=%s",
      "v=DKIM1; k=rsa",
      "v=DKIM1; p=%s; p=%s",
      "v=DKIM1;; p=%s",
      "v=DKIM1; k=rsa; p=\"%s\"",
      "v=DKIM1; k=rsa; p=not*base64",
      "just text",
      "v=DKIM1; 1x=y; p=%s"})
  void malformedRecordsAreRejected(String template) {
    String value = template.replace("%s", spki);
    assertThatThrownBy(() -> DkimTxtRecord.parse(value)).isInstanceOf(DkimTxtRecord.MalformedException.class);
  }

  @Test
  void truncatedKeyIsMalformed() {
    assertThatThrownBy(() -> DkimTxtRecord.parse("v=DKIM1; k=rsa; p=" + spki.substring(0, 200)))
        .isInstanceOf(DkimTxtRecord.MalformedException.class)
        .hasMessageContaining("truncated");
  }
}
