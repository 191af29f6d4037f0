package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailtrace.model.DkimKind;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.signer.message.HeaderSection;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signer's own rules, without external verifiers (those are in SignVerifyRoundTripIT). */
class DkimSignerCoreTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_764_300_000L), ZoneOffset.UTC);
  private static final DkimSignerCore SIGNER = new DkimSignerCore(CLOCK);

  @Test
  void signsWithRelaxedRsaSha256AndTheClocksTimestampAndNoBodyLength() {
    SignedMessage s = SIGNER.sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.shared()));
    Map<String, String> tags = tagsOf(s, 0);
    assertThat(tags).containsEntry("v", "1").containsEntry("a", "rsa-sha256")
        .containsEntry("c", "relaxed/relaxed").containsEntry("d", "mailtrace.test")
        .containsEntry("s", "shared1").containsEntry("t", "1764300000")
        .doesNotContainKeys("l", "x", "i");
    assertThat(s.applied())
        .containsExactly(
            new DkimSignatureInfo("mailtrace.test", "shared1", DkimKind.SHARED, "rsa-sha256", "relaxed/relaxed",
                List.of("from", "to", "subject", "date", "message-id", "from")));
  }

  @Test
  void aHeaderSectionSplitByTheCallerSignsExactlyLikeAParseOfItsOwn() {
    byte[] m = GeneratedMessages.signable().get("all-signed-headers");
    List<SigningKey> keys = List.of(TestKeys.shared());
    assertThat(SIGNER.sign(m, HeaderSection.parse(m), keys).bytes()).isEqualTo(SIGNER.sign(m, keys).bytes());
    byte[] twoFroms = GeneratedMessages.ascii("From: a@example.com\r\nFrom: b@example.com\r\n\r\nx\r\n");
    assertThatThrownBy(() -> SIGNER.sign(twoFroms, HeaderSection.parse(twoFroms), keys))
        .isInstanceOfSatisfying(DkimSigningException.class, e -> assertThat(e.permanent()).isTrue());
  }

  @Test
  void headerListHasEveryConfiguredFieldPresentOncePerInstanceAndFromOnceMore() {
    byte[] m = GeneratedMessages.signable().get("all-signed-headers");
    assertThat(DkimSignerCore.signedHeaderNames(HeaderSection.parse(m)))
        .containsExactly("from", "to", "cc", "subject", "date", "message-id", "reply-to", "in-reply-to",
            "references", "mime-version", "content-type", "content-transfer-encoding",
            "list-unsubscribe", "list-unsubscribe-post", "from");
    byte[] dup = GeneratedMessages.signable().get("duplicate-to-and-subject");
    assertThat(DkimSignerCore.signedHeaderNames(HeaderSection.parse(dup)))
        .containsExactly("from", "to", "to", "subject", "subject", "from");
  }

  @Test
  void unlistedFieldsAndForeignSignaturesAreNotSigned() {
    byte[] m = GeneratedMessages.signable().get("foreign-signature-kept");
    assertThat(DkimSignerCore.signedHeaderNames(HeaderSection.parse(m))).doesNotContain("dkim-signature", "received");
  }

  @Test
  void headerInstancesAreTakenBottomUp() {
    byte[] m = GeneratedMessages.ascii("From: a@example.com\r\nSubject: first\r\nSubject: second\r\n\r\nx\r\n");
    String input = new String(
        DkimSignerCore.headerSigningInput(HeaderSection.parse(m), List.of("from", "subject", "from"), "DKIM-Signature: b="),
        StandardCharsets.US_ASCII);
    // one "subject" in h= signs the LAST instance; the second "from" has no instance left
    assertThat(input).isEqualTo("from:a@example.com\r\nsubject:second\r\ndkim-signature:b=");
  }

  @Test
  void firstKeysSignatureIsTopmostAndTheOriginalBytesFollowUnchanged() {
    byte[] m = GeneratedMessages.signable().get("plain");
    SignedMessage s = SIGNER.sign(m, List.of(TestKeys.custom(), TestKeys.shared()));
    assertThat(s.applied()).extracting(DkimSignatureInfo::kind).containsExactly(DkimKind.CUSTOM, DkimKind.SHARED);
    assertThat(tagsOf(s, 0)).containsEntry("d", "example.com");
    assertThat(tagsOf(s, 1)).containsEntry("d", "mailtrace.test");
    assertThat(s.bytes()).endsWith(m);
  }

  @Test
  void bodyIsHashedOnceForAllSignatures() {
    SignedMessage s = SIGNER.sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.custom(), TestKeys.shared()));
    assertThat(tagsOf(s, 0).get("bh")).isEqualTo(tagsOf(s, 1).get("bh"))
        .isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="); // the RFC 6376/8463 body
  }

  @Test
  void emptyBodyHashesTheEmptyString() {
    SignedMessage s = SIGNER.sign(GeneratedMessages.signable().get("empty-body"), List.of(TestKeys.shared()));
    assertThat(tagsOf(s, 0).get("bh")).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="); // SHA-256("")
  }

  @Test
  void signatureFieldIsFoldedWithCrlfAndShortLines() {
    SignedMessage s = SIGNER.sign(GeneratedMessages.signable().get("all-signed-headers"), List.of(TestKeys.shared()));
    String field = fields(s).get(0);
    assertThat(field).startsWith("DKIM-Signature: v=1; ").endsWith("\r\n");
    String[] lines = field.substring(0, field.length() - 2).split("\r\n", -1);
    assertThat(lines.length).isGreaterThan(3);
    for (int i = 0; i < lines.length; i++) {
      assertThat(lines[i].length()).as(lines[i]).isLessThanOrEqualTo(78);
      assertThat(lines[i]).doesNotContain("\r", "\n");
      if (i > 0) {
        assertThat(lines[i]).startsWith("\t");
      }
    }
  }

  @Test
  void aKeyWhoseDomainAndSelectorAlreadySignedIsSkipped() {
    byte[] once = SIGNER.sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.shared())).bytes();
    SignedMessage again = SIGNER.sign(once, List.of(TestKeys.shared()));
    assertThat(again.applied()).isEmpty();
    assertThat(again.skipped()).containsExactly(TestKeys.shared());
    assertThat(again.bytes()).isEqualTo(once);
    // case-insensitive d= and s=, and a key listed twice signs once
    SigningKey upper = new SigningKey("MAILTRACE.TEST", "Shared1", DkimKind.SHARED, TestKeys.SHARED_RSA.getPrivate());
    assertThat(SIGNER.sign(once, List.of(upper)).applied()).isEmpty();
    SignedMessage twice = SIGNER.sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.shared(), TestKeys.shared()));
    assertThat(twice.applied()).hasSize(1);
    assertThat(twice.skipped()).hasSize(1);
  }

  @Test
  void aForeignSignatureOfAnotherSelectorDoesNotPreventSigning() {
    SignedMessage s = SIGNER.sign(GeneratedMessages.signable().get("foreign-signature-kept"), List.of(TestKeys.shared()));
    assertThat(s.applied()).hasSize(1);
  }

  @Test
  void anUnusableKeyIsATemporaryFailure() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(512);
    SigningKey weak = new SigningKey("example.com", "weak", DkimKind.CUSTOM,
        io.mailtrace.testkit.KeyMaterialRegistry.remember(g.generateKeyPair().getPrivate()));
    assertThatThrownBy(() -> SIGNER.sign(GeneratedMessages.signable().get("plain"), List.of(weak)))
        .isInstanceOfSatisfying(DkimSigningException.class, e -> assertThat(e.permanent()).isFalse())
        .hasMessageContaining("d=example.com s=weak is unusable")
        .hasMessageContaining("512 bits");
  }

  @Test
  void everyRefusedMessageIsAPermanentFailureWithItsReason() {
    GeneratedMessages.refused()
        .forEach(
            (name, e) ->
                assertThatThrownBy(() -> SIGNER.sign(e.getKey(), List.of(TestKeys.shared())))
                    .as(name)
                    .isInstanceOfSatisfying(DkimSigningException.class, x -> assertThat(x.permanent()).isTrue())
                    .hasMessageContaining(e.getValue()));
  }

  @Test
  void signingIsDeterministicForAFixedClock() {
    byte[] m = GeneratedMessages.signable().get("multipart-alternative");
    assertThat(SIGNER.sign(m, List.of(TestKeys.shared())).bytes())
        .isEqualTo(SIGNER.sign(m, List.of(TestKeys.shared())).bytes());
  }

  static List<String> fields(SignedMessage s) {
    String text = new String(s.bytes(), StandardCharsets.ISO_8859_1);
    List<String> out = new ArrayList<>();
    for (String f : text.substring(0, text.indexOf("\r\n\r\n") + 2).split("(?<=\r\n)(?![ \t])")) {
      if (f.startsWith("DKIM-Signature:")) {
        out.add(f);
      }
    }
    return out;
  }

  static Map<String, String> tagsOf(SignedMessage s, int index) {
    String f = fields(s).get(index);
    return DkimTags.parse(f.substring("DKIM-Signature:".length()));
  }
}
