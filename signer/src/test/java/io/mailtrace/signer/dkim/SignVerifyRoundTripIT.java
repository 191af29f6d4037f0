package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailtrace.testkit.DkimVerifiers;
import io.mailtrace.testkit.DkimVerifiers.Outcome;
import io.mailtrace.testkit.DkimVerifiers.Verification;
import io.mailtrace.testkit.DkimVerifiers.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-then-verify with three independent verifiers (dkimpy, OpenDKIM, jDKIM) on generated
 * messages of every kind, each signed with a custom and the shared key. One verifier process per
 * verifier for the whole batch.
 */
class SignVerifyRoundTripIT {
  private static final DkimSignerCore SIGNER = new DkimSignerCore();
  private static final List<String> NAMES = new ArrayList<>();
  private static final List<byte[]> SIGNED = new ArrayList<>();
  private static Map<Verifier, List<Verification>> results;

  @BeforeAll
  static void signAndVerifyAll() {
    for (Map.Entry<String, byte[]> e : GeneratedMessages.signable().entrySet()) {
      SignedMessage s = SIGNER.sign(e.getValue(), List.of(TestKeys.custom(), TestKeys.shared(), TestKeys.customEd25519()));
      assertThat(s.applied()).as(e.getKey()).hasSize(3);
      NAMES.add(e.getKey());
      SIGNED.add(s.bytes());
    }
    results = DkimVerifiers.all(SIGNED, TestKeys.records());
  }

  @Test
  void everyGeneratedMessageVerifiesUnderDkimpy() {
    assertAllPass(Verifier.DKIMPY, true);
  }

  @Test
  void everyGeneratedMessageVerifiesUnderOpenDkim() {
    assertAllPass(Verifier.OPENDKIM, true);
  }

  /**
   * jDKIM 0.3 cannot check Ed25519, nor relaxed signatures over an empty body (it hashes CRLF):
   * those come back NOT_CHECKED with the reason and are counted, never as passes.
   */
  @Test
  void everyGeneratedMessageVerifiesUnderJdkimExceptItsKnownGaps() {
    assertAllPass(Verifier.JDKIM, false);
    List<Verification> v = results.get(Verifier.JDKIM);
    for (int i = 0; i < NAMES.size(); i++) {
      String name = NAMES.get(i);
      Outcome rsa = v.get(i).outcome("mailtrace.test", "shared1");
      if (name.matches("empty-body|whitespace-only-body|latin1-raw-subject")) {
        assertThat(rsa).as(name + ": " + v.get(i)).isEqualTo(Outcome.NOT_CHECKED);
      } else {
        assertThat(rsa).as(name + ": " + v.get(i)).isEqualTo(Outcome.PASS);
      }
      assertThat(v.get(i).outcome("example.com", "ed1")).isEqualTo(Outcome.NOT_CHECKED);
    }
  }

  @Test
  void aTamperedMessageFailsUnderEveryVerifier() {
    byte[] signed = SIGNER.sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.shared())).bytes();
    byte[] tampered = new String(signed, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("hungry", "HUNGRY")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] addedFrom = GeneratedMessages.bytes(signed, new byte[0]);
    // over-signing: a second From added on top must break the signature
    addedFrom = GeneratedMessages.bytes("From: evil@attacker.example\r\n".getBytes(), signed);
    Map<Verifier, List<Verification>> r = DkimVerifiers.all(List.of(tampered, addedFrom), TestKeys.records());
    for (Verifier verifier : Verifier.values()) {
      for (Verification v : r.get(verifier)) {
        assertThat(v.outcome("mailtrace.test", "shared1")).as(verifier + ": " + v).isEqualTo(Outcome.FAIL);
      }
    }
  }

  @Test
  void aMessageAlreadyCarryingTheSharedSignatureGetsOnlyTheCustomOneAndBothVerify() {
    byte[] once = SIGNER.sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.shared())).bytes();
    SignedMessage twice = SIGNER.sign(once, List.of(TestKeys.custom(), TestKeys.shared()));
    assertThat(twice.applied()).extracting(a -> a.selector()).containsExactly("mt2611281234");
    assertThat(twice.skipped()).containsExactly(TestKeys.shared());
    for (List<Verification> vs : DkimVerifiers.all(List.of(twice.bytes()), TestKeys.records()).values()) {
      Verification v = vs.get(0);
      assertThat(v.signatures()).as(v.toString()).hasSize(2);
      assertThat(v.outcome("example.com", "mt2611281234")).as(v.toString()).isEqualTo(Outcome.PASS);
      assertThat(v.outcome("mailtrace.test", "shared1")).as(v.toString()).isEqualTo(Outcome.PASS);
    }
  }

  @Test
  void refusedMessagesAreRefusedWithTheirReason() {
    GeneratedMessages.refused()
        .forEach(
            (name, e) ->
                assertThatThrownBy(() -> SIGNER.sign(e.getKey(), List.of(TestKeys.shared())))
                    .as(name)
                    .isInstanceOfSatisfying(DkimSigningException.class, x -> assertThat(x.permanent()).isTrue())
                    .hasMessageContaining(e.getValue()));
  }

  private void assertAllPass(Verifier verifier, boolean ed25519) {
    List<Verification> v = results.get(verifier);
    assertThat(v).hasSize(NAMES.size());
    for (int i = 0; i < NAMES.size(); i++) {
      Verification r = v.get(i);
      String what = verifier + " " + NAMES.get(i) + ": " + r;
      assertThat(r.error()).as(what).isNull();
      assertThat(r.outcome("example.com", "mt2611281234")).as(what).isIn(Outcome.PASS, jdkimGap(verifier, i));
      assertThat(r.outcome("mailtrace.test", "shared1")).as(what).isIn(Outcome.PASS, jdkimGap(verifier, i));
      if (ed25519) {
        assertThat(r.outcome("example.com", "ed1")).as(what).isIn(Outcome.PASS, jdkimGap(verifier, i));
      }
      assertThat(r.outcome("mailtrace.test", "shared1")).as(what).isEqualTo(jdkimGap(verifier, i));
    }
  }

  /** The documented verifier gaps (see DkimVerifiers): NOT_CHECKED there, PASS everywhere else. */
  private static Outcome jdkimGap(Verifier verifier, int i) {
    boolean gap =
        (verifier == Verifier.JDKIM && NAMES.get(i).matches("empty-body|whitespace-only-body|latin1-raw-subject"))
            || (verifier == Verifier.OPENDKIM && NAMES.get(i).equals("nul-in-body"));
    return gap ? Outcome.NOT_CHECKED : Outcome.PASS;
  }
}
