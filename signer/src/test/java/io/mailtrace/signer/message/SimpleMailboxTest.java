package io.mailtrace.signer.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.signer.dkim.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The From fast path answers exactly as the full parser does, and only for the forms it claims. */
class SimpleMailboxTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "a@b.example",
      "<a@b.example>",
      "  Bench Sender <bench@Example.COM>  ",
      "Name<a@b>",
      "\"Doe, John <boss@evil.example>\" <j.doe+tag@mail.example.org>",
      "\"\" <a@b.example>",
      "=?UTF-8?Q?J=C3=B6rg?= <jorg@example.com>",
      "x!#$%&'*+/=?^_`{|}~-@a-b.c",
      "a@xn--bcher-kva.example",
  })
  void commonFormsTakeTheFastPathAndMatchTheFullParser(String value) {
    assertThat(SimpleMailbox.addrSpec(value)).isNotNull();
    assertSameAnswer(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "a@b, c@d",
      "Group: a@b;",
      "a@b (comment)",
      "\"a\\\"b\" <a@b>",
      "Jörg <jorg@example.com>",
      "jorg@bücher.example",
      "John Q. Public <john@example.com>",
      "a@[192.0.2.1]",
      "\"a b\"@example.com",
      "a@b..c",
      "a..b@c",
      ".a@c",
      "@b",
      "a@",
      "<a@b> trailing",
      "a@b.c>",
      "<>",
      "Name <a@b",
      "a@b\tc",
      "\"unterminated <a@b>",
  })
  void everythingElseGoesToTheFullParser(String value) {
    assertThat(SimpleMailbox.addrSpec(value)).isNull();
    assertSameAnswer(value); // trivially: fromAddresses falls back to the full parser
  }

  @Test
  void randomValuesOnTheFastPathAgreeWithTheFullParser() {
    Random rnd = new Random(20261204);
    int fast = 0;
    for (int i = 0; i < 50_000; i++) {
      // Shaped like a From value half of the time, so that near-misses of every rule come up.
      String value = rnd.nextBoolean()
          ? noise(rnd, 1 + rnd.nextInt(24))
          : noise(rnd, rnd.nextInt(8)) + (rnd.nextBoolean() ? " <" : "<") + noise(rnd, 1 + rnd.nextInt(6)) + "@"
              + noise(rnd, 1 + rnd.nextInt(8)) + ">" + (rnd.nextInt(8) == 0 ? noise(rnd, 2) : "");
      if (SimpleMailbox.addrSpec(value) != null) {
        fast++;
        assertSameAnswer(value);
      }
    }
    assertThat(fast).as("random values that took the fast path").isGreaterThan(200);
  }

  private static String noise(Random rnd, int len) {
    String alphabet = "abcxyzAB09.@<>\" ,;:()[]\\-+=?_'\u00e9\t";
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < len; j++) {
      int k = rnd.nextInt(alphabet.length() + 10);
      sb.append(k < alphabet.length() ? alphabet.charAt(k) : (char) ('a' + rnd.nextInt(26))); // mostly letters
    }
    return sb.toString();
  }

  @Test
  void corpusFromFieldsAgreeWithTheFullParserAndPlainTextNeedsNoDecoding() throws Exception {
    Path corpus = SharedData.dir("corpus");
    List<Path> files;
    try (Stream<Path> s = Files.list(corpus)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    int froms = 0;
    for (Path f : files) {
      HeaderSection headers;
      try {
        // bare LF line ends (refused on the wire) would hide half of the corpus' From fields here
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).replaceAll("\r?\n", "\r\n");
        headers = HeaderSection.parse(text.getBytes(StandardCharsets.ISO_8859_1));
      } catch (MalformedMessageException e) {
        continue; // refused before the From is read
      }
      for (HeaderField field : headers.fields()) {
        String value = field.value();
        if (field.lowerName().equals("from")) {
          froms++;
          assertSameAnswer(value);
        }
        if (!value.contains("=?")) {
          assertThat(MessageSummary.decode(value)).isEqualTo(DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT));
        }
      }
    }
    assertThat(froms).isGreaterThan(100);
  }

  /** fromAddresses (fast path when it applies) and the full parser give the same list or the same refusal. */
  private static void assertSameAnswer(String value) {
    HeaderField field = HeaderSection.parse(("From: " + value + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)).fields().get(0);
    Object viaField = answer(() -> MessageSummary.fromAddresses(field));
    Object viaParser = answer(() -> MessageSummary.parsedAddresses(field.value()));
    assertThat(viaField).as("From: %s", value).isEqualTo(viaParser);
  }

  private static Object answer(java.util.function.Supplier<List<String>> f) {
    try {
      return f.get();
    } catch (MalformedMessageException e) {
      return e.problem();
    }
  }
}
