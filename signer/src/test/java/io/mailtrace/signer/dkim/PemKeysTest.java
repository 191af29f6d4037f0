package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

class PemKeysTest {

  @Test
  void pkcs8RsaRoundTripsAndItsDnsRecordHoldsThePublicKey() throws Exception {
    KeyPair pair = TestKeys.SHARED_RSA;
    String pem = PemKeys.toPkcs8Pem(pair.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    PrivateKey parsed = PemKeys.parsePrivateKey(pem);
    assertThat(parsed.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    String txt = PemKeys.dnsTxtRecord(parsed);
    assertThat(txt).startsWith("v=DKIM1; k=rsa; p=");
    byte[] spki = Base64.getDecoder().decode(txt.substring(txt.indexOf("p=") + 2));
    PublicKey fromDns = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
    assertThat(fromDns).isEqualTo(pair.getPublic());
    assertThat(PemKeys.publicKey(parsed)).isEqualTo(pair.getPublic());
  }

  @Test
  void pkcs1RsaIsAccepted() throws Exception {
    KeyPair pair = TestKeys.CUSTOM_RSA;
    byte[] pkcs1 = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
    String pem = "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs1)
        + "\n-----END RSA PRIVATE KEY-----\n";
    assertThat(PemKeys.parsePrivateKey(pem).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
  }

  @Test
  void ed25519KeysGiveTheRawPublicKeyForDns() throws Exception {
    KeyPair pair = TestKeys.ED25519;
    PrivateKey parsed = PemKeys.parsePrivateKey(PemKeys.toPkcs8Pem(pair.getPrivate()));
    String p = PemKeys.dnsPublicKey(parsed);
    assertThat(Base64.getDecoder().decode(p)).hasSize(32);
    assertThat(PemKeys.dnsTxtRecord(parsed)).isEqualTo("v=DKIM1; k=ed25519; p=" + p);
    Signature sig = Signature.getInstance("Ed25519");
    sig.initSign(parsed);
    sig.update(new byte[] {1, 2, 3});
    byte[] s = sig.sign();
    Signature ver = Signature.getInstance("Ed25519");
    ver.initVerify(PemKeys.publicKey(parsed));
    ver.update(new byte[] {1, 2, 3});
    assertThat(ver.verify(s)).isTrue();
  }

  @Test
  void badInputIsRefusedWithoutEchoingKeyMaterial() throws Exception {
    assertThatThrownBy(() -> PemKeys.parsePrivateKey("hello"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no PEM private key found");
    String publicPem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(TestKeys.SHARED_RSA.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    assertThatThrownBy(() -> PemKeys.parsePrivateKey(publicPem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported PEM object");
    String pem = PemKeys.toPkcs8Pem(TestKeys.SHARED_RSA.getPrivate());
    String corrupted = pem.substring(0, 200) + "!!!!" + pem.substring(204);
    assertThatThrownBy(() -> PemKeys.parsePrivateKey(corrupted))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pem.substring(40, 80)));
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(768);
    String weak = PemKeys.toPkcs8Pem(g.generateKeyPair().getPrivate());
    assertThatThrownBy(() -> PemKeys.parsePrivateKey(weak))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("768 bits");
  }

  @Test
  void signingKeyToStringNeverShowsTheKey() {
    assertThat(TestKeys.shared().toString()).isEqualTo("SigningKey[d=mailtrace.test, s=shared1, kind=SHARED]");
  }
}
