package io.mailtrace.signer.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageSummaryTest {

  @Test
  void summarisesFromSubjectMessageIdAndDate() {
    MessageSummary s = MessageSummary.parse(bytes(
        "From: =?UTF-8?Q?J=C3=B6rg?= <Jorg@Example.COM>\r\n"
            + "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus\r\n =?UTF-8?B?S8O2bG4=?=\r\n"
            + "Message-ID:  <abc.123@example.com> \r\nDate: Fri, 11 Jul 2003 21:00:37 -0700\r\n\r\nbody\r\n"));
    assertThat(s.fromAddresses()).containsExactly("Jorg@example.com");
    assertThat(s.fromDomain()).isEqualTo("example.com");
    assertThat(s.from()).isEqualTo("Jörg <Jorg@Example.COM>");
    assertThat(s.subject()).isEqualTo("Grüße aus Köln");
    assertThat(s.messageId()).isEqualTo("abc.123@example.com");
    assertThat(s.date()).isEqualTo("Fri, 11 Jul 2003 21:00:37 -0700");
  }

  @Test
  void absentOptionalFieldsAreNull() {
    MessageSummary s = MessageSummary.parse(bytes("From: a@example.com\r\n\r\n"));
    assertThat(s.subject()).isNull();
    assertThat(s.messageId()).isNull();
    assertThat(s.date()).isNull();
  }

  @Test
  void rawUtf8HeadersAndIdnDomains() {
    MessageSummary s = MessageSummary.parse(bytes("From: Jörg <jörg@bücher.example>\r\nSubject: Grüße\r\n\r\nx\r\n"));
    assertThat(s.fromDomain()).isEqualTo("xn--bcher-kva.example");
    assertThat(s.subject()).isEqualTo("Grüße");
  }

  @Test
  void severalMailboxesOfOneDomainAndGroups() {
    MessageSummary s = MessageSummary.parse(bytes("From: a@example.com, Team: b@EXAMPLE.com;\r\n\r\nx\r\n"));
    assertThat(s.fromAddresses()).containsExactly("a@example.com", "b@example.com");
    assertThat(s.fromDomain()).isEqualTo("example.com");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "To: a@example.com\\r\\n\\r\\nx|NO_FROM|no From header field",
        "From: a@example.com\\r\\nFrom: b@example.com\\r\\n\\r\\nx|MULTIPLE_FROM|2 From header fields (lines 1, 2)",
        "From: foo\\r\\n\\r\\nx|UNPARSEABLE_FROM|not a valid address list: \"foo\"",
        "From: <>\\r\\n\\r\\nx|UNPARSEABLE_FROM|not a valid address list",
        "From: Undisclosed:;\\r\\n\\r\\nx|FROM_WITHOUT_ADDRESS|names no mailbox",
        "From: a@example.com, b@example.org\\r\\n\\r\\nx|MIXED_FROM_DOMAINS|2 domains [example.com, example.org]",
        "From: a@example.com\\r\\n|NO_HEADER_BODY_SEPARATOR|no empty line",
        "From: a@example.com\\nTo: b\\r\\n\\r\\nx|BARE_LINE_ENDING|bare LF",
        "From x@y Fri Jul 11 2003\\r\\nFrom: a@example.com\\r\\n\\r\\nx|MALFORMED_HEADER_LINE|mbox",
      })
  void refusesWithAPreciseProblem(String message, MessageProblem problem, String text) {
    assertThatThrownBy(() -> MessageSummary.parse(bytes(message.replace("\\r", "\r").replace("\\n", "\n"))))
        .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.problem()).isEqualTo(problem))
        .hasMessageContaining(text);
  }

  @Test
  void fromProblemsAreSenderPolicyProblems() {
    assertThat(MessageProblem.NO_FROM.policy()).isTrue();
    assertThat(MessageProblem.BARE_LINE_ENDING.policy()).isFalse();
  }

  @Test
  void headerSectionKeepsFieldsAndFindsTheBody() {
    byte[] m = bytes("A: 1\r\nB: 2\r\n  folded\r\nA: 3\r\n\r\nbody");
    HeaderSection h = HeaderSection.parse(m);
    assertThat(h.fields()).extracting(HeaderField::name).containsExactly("A", "B", "A");
    assertThat(h.all("a")).extracting(HeaderField::value).containsExactly("1", "3");
    assertThat(h.first("b").orElseThrow().value()).isEqualTo("2  folded");
    assertThat(h.first("b").orElseThrow().line()).isEqualTo(2);
    assertThat(new String(m, h.bodyOffset(), m.length - h.bodyOffset(), StandardCharsets.US_ASCII)).isEqualTo("body");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
