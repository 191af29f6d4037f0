package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.DkimKind;
import io.mailtrace.signer.message.HeaderSection;
import io.mailtrace.testkit.KeyMaterialRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 8463 Appendix A: RSA PKCS#1 v1.5 and Ed25519 are deterministic, so signing the unsigned
 * message with the published keys and tags must give the published {@code b=} byte for byte.
 */
class Rfc8463VectorTest {
  private static final List<String> H =
      List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date");
  private static final SignatureSpec SPEC =
      new SignatureSpec(1528637909L, H, "@football.example.com", true, " : ");
  private static final String BH = "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=";

  @Test
  void rsaSignatureReproducesPublishedB() throws Exception {
    Path dir = SharedData.dir("corpus-vectors/rfc8463");
    PrivateKey key = KeyMaterialRegistry.remember(PemKeys.readPrivateKey(dir.resolve("test.rsa-private.pem")));
    Map<String, String> tags = sign(dir, new SigningKey("football.example.com", "test", DkimKind.SHARED, key));
    assertThat(tags.get("a")).isEqualTo("rsa-sha256");
    assertThat(tags.get("bh")).isEqualTo(BH);
    assertThat(tags.get("b"))
        .isEqualTo(
            "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=");
  }

  @Test
  void ed25519SignatureReproducesPublishedB() throws Exception {
    Path dir = SharedData.dir("corpus-vectors/rfc8463");
    PrivateKey key = KeyMaterialRegistry.remember(PemKeys.readPrivateKey(dir.resolve("brisbane.ed25519-private.pkcs8.pem")));
    Map<String, String> tags =
        sign(dir, new SigningKey("football.example.com", "brisbane", DkimKind.SHARED, key));
    assertThat(tags.get("a")).isEqualTo("ed25519-sha256");
    assertThat(tags.get("bh")).isEqualTo(BH);
    assertThat(tags.get("b"))
        .isEqualTo(
            "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==");
  }

  @Test
  void headerSigningInputMatchesPublishedBytes() throws Exception {
    Path dir = SharedData.dir("corpus-vectors/rfc8463");
    byte[] message = Files.readAllBytes(dir.resolve("unsigned.eml"));
    HeaderSection headers = HeaderSection.parse(message);
    String unsigned =
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n d=football.example.com;"
            + " i=@football.example.com;\r\n q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
            + " date : message-id : from : subject : date;\r\n bh=" + BH + ";\r\n b=";
    byte[] input = DkimSignerCore.headerSigningInput(headers, H, unsigned);
    assertThat(input).isEqualTo(Files.readAllBytes(dir.resolve("A3-rsa-canonical-header-signing-input.bin")));
    assertThat(Canonicalization.relaxedBody(java.util.Arrays.copyOfRange(message, headers.bodyOffset(), message.length)))
        .isEqualTo(Files.readAllBytes(dir.resolve("A3-canonical-body-relaxed.bin")));
  }

  @Test
  void dnsRecordsOfTheVectorKeysMatchThePublishedOnes() throws Exception {
    Path dir = SharedData.dir("corpus-vectors/rfc8463");
    String zone = Files.readString(dir.resolve("dns.zone")).replaceAll("\"\\s*\"|\\s+", "");
    PrivateKey rsa = KeyMaterialRegistry.remember(PemKeys.readPrivateKey(dir.resolve("test.rsa-private.pem")));
    PrivateKey ed = KeyMaterialRegistry.remember(PemKeys.readPrivateKey(dir.resolve("brisbane.ed25519-private.pkcs8.pem")));
    assertThat(zone).contains("p=" + PemKeys.dnsPublicKey(rsa));
    assertThat(PemKeys.dnsPublicKey(ed)).isEqualTo("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    assertThat(PemKeys.dnsTxtRecord(ed)).startsWith("v=DKIM1; k=ed25519; p=");
  }

  private static Map<String, String> sign(Path dir, SigningKey key) throws Exception {
    byte[] message = Files.readAllBytes(dir.resolve("unsigned.eml"));
    HeaderSection headers = DkimSignerCore.parse(message);
    byte[] bh = DkimSignerCore.bodyHash(message, headers);
    assertThat(Base64.getEncoder().encodeToString(bh)).isEqualTo(BH);
    String field = DkimSignerCore.signatureField(headers, bh, key, SPEC);
    assertThat(field).startsWith("DKIM-Signature: ").endsWith("\r\n");
    String value = field.substring("DKIM-Signature:".length());
    return DkimTags.parse(value);
  }
}
