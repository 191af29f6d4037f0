package io.mailtrace.signer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailtrace.signer.dkim.Canonicalization;
import io.mailtrace.signer.dkim.DkimSignerCore;
import io.mailtrace.signer.dkim.DkimSigningException;
import io.mailtrace.signer.dkim.SignedMessage;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.message.HeaderField;
import io.mailtrace.signer.message.HeaderSection;
import io.mailtrace.signer.message.MalformedMessageException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the DKIM signer core and the canonicalizer with arbitrary messages.
 *
 * <p>Invariants: signing either succeeds or throws {@link DkimSigningException} (the parser's
 * {@link MalformedMessageException} is also a typed outcome) — never anything else; a signed
 * message is the original bytes with the signature fields on top; signing the same bytes with the
 * same {@code t=} gives the same bytes (RSA PKCS#1 v1.5 and Ed25519 are deterministic); relaxed
 * body and header canonicalization are idempotent.
 */
class DkimSignerFuzzTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
  private static final DkimSignerCore CORE = new DkimSignerCore(CLOCK);

  /**
   * Input layout: byte 0 holds the options (bit 0: also sign with RSA, which costs ~1 ms, so only
   * for some inputs; bit 1: put a valid From field on top so the fuzzer reaches the signing code
   * easily); the rest is the message. Seeds in DkimSignerFuzzTestInputs are plain messages.
   */
  @FuzzTest(maxDuration = "60s")
  // Jazzer 0.24 writes these unescaped into a libFuzzer dictionary: no control characters here.
  @DictionaryEntries({"From: ", "from:", "a@example.com", "DKIM-Signature:", " d=example.com;",
    " s=fz1;", "Subject: ", "To: ", "Message-ID: <", "=?utf-8?q?", "Name <", ">, "})
  void signerAndCanonicalizer(byte[] input) {
    int flags = input.length == 0 ? 0 : input[0] & 0xff;
    List<SigningKey> keys = (flags & 1) != 0 ? FuzzKeys.both() : List.of(FuzzKeys.ed25519("example.com"));
    boolean framed = (flags & 2) != 0;
    byte[] raw = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    // Half the inputs get a valid From and separator so the fuzzer reaches the signing code.
    byte[] message = framed ? concat("From: a@example.com\r\n".getBytes(), raw) : raw;

    SignedMessage first = null;
    try {
      first = CORE.sign(message, keys);
    } catch (DkimSigningException | MalformedMessageException expected) {
      // typed refusal: fine
    }
    if (first != null) {
      byte[] out = first.bytes();
      assertThat(out.length).isGreaterThanOrEqualTo(message.length);
      assertThat(Arrays.copyOfRange(out, out.length - message.length, out.length))
          .as("the message below the signatures is unchanged").isEqualTo(message);
      assertThat(first.applied().size() + first.skipped().size()).isEqualTo(keys.size());
      SignedMessage second = CORE.sign(message, keys);
      assertThat(second.bytes()).as("signing is deterministic for the same input and t=").isEqualTo(out);
      // The signer recognises its own signatures: signing the output again adds nothing.
      SignedMessage again = CORE.sign(out, keys);
      assertThat(again.applied()).isEmpty();
      assertThat(again.bytes()).isEqualTo(out);
    }

    byte[] body = raw;
    try {
      byte[] c1 = Canonicalization.relaxedBody(body);
      assertThat(Canonicalization.relaxedBody(c1)).as("relaxed body canonicalization is idempotent").isEqualTo(c1);
    } catch (MalformedMessageException expected) {
      // bare CR/LF: typed refusal
    }
    byte[] simple = Canonicalization.simpleBody(body);
    assertThat(Canonicalization.simpleBody(simple)).as("simple body canonicalization is idempotent").isEqualTo(simple);

    HeaderSection headers;
    try {
      headers = HeaderSection.parse(message);
    } catch (MalformedMessageException expected) {
      return;
    }
    for (HeaderField f : headers.fields()) {
      byte[] c1 = Canonicalization.relaxedHeader(f);
      int colon = indexOf(c1, (byte) ':');
      assertThat(colon).isGreaterThan(0);
      assertThat(Canonicalization.relaxedHeader(c1, colon)).as("relaxed header canonicalization is idempotent").isEqualTo(c1);
    }
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
