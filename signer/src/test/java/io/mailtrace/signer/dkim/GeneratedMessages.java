package io.mailtrace.signer.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Messages of every shape the signer meets, made here so that signing is proven without
 * ../shared. All use CRLF, as the SMTP layer hands them over.
 */
final class GeneratedMessages {
  private GeneratedMessages() {}

  static final String HEAD =
      "From: Joe SixPack <joe@example.com>\r\n"
          + "To: Suzie Q <suzie@shopping.example.net>\r\n"
          + "Subject: Is dinner ready?\r\n"
          + "Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
          + "Message-ID: <20030712040037.46341.5F8J@example.com>\r\n";

  /** Messages the signer must sign, by name. */
  static Map<String, byte[]> signable() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("plain", ascii(HEAD + "\r\nHi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n\r\nJoe.\r\n"));
    m.put("empty-body", ascii(HEAD + "\r\n"));
    m.put("whitespace-only-body", ascii(HEAD + "\r\n  \r\n\t\r\n \t \r\n\r\n"));
    m.put("no-final-crlf", ascii(HEAD + "\r\nno newline at the end"));
    m.put("trailing-wsp-and-blank-lines", ascii(HEAD + "\r\nline with trailing   \t\r\n\tindented\t line \r\n\r\n\r\n\r\n"));
    m.put("inner-wsp-runs", ascii(HEAD + "\r\na  \t b\t\tc\r\n   \r\nd\r\n"));
    m.put("dot-lines", ascii(HEAD + "\r\n.\r\n..\r\n.x\r\n"));
    m.put(
        "folded-headers",
        ascii(
            "From: \"A very long display name, that goes on\"\r\n  <joe@example.com>\r\n"
                + "To: a@example.net,\r\n\tb@example.net,\r\n c@example.net\r\n"
                + "Subject: folded\r\n  once\r\n\t\ttwice   \r\n"
                + "Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
                + "\r\nbody\r\n"));
    m.put(
        "header-case-and-spacing",
        ascii(
            "FROM:joe@example.com\r\nsubject:   no space before   \r\nTO: x@example.net\r\n"
                + "Cc:\r\nmessage-id:<a@b>\r\n\r\nbody\r\n"));
    m.put(
        "all-signed-headers",
        ascii(
            HEAD
                + "Cc: c@example.net\r\nReply-To: r@example.com\r\nIn-Reply-To: <p@example.com>\r\n"
                + "References: <o@example.com> <p@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n"
                + "List-Unsubscribe: <https://example.com/u/1>, <mailto:u@example.com>\r\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nbody\r\n"));
    m.put(
        "duplicate-to-and-subject",
        ascii(
            "From: joe@example.com\r\nTo: a@example.net\r\nSubject: first\r\nTo: b@example.net\r\n"
                + "Subject: second\r\n\r\nbody\r\n"));
    m.put(
        "foreign-signature-kept",
        ascii(
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=elsewhere.example; s=x;\r\n"
                + "\th=from; bh=AAAA; b=AAAA\r\n"
                + HEAD
                + "\r\nbody\r\n"));
    m.put(
        "encoded-words",
        ascii(
            "From: =?UTF-8?Q?J=C3=B6rg?= <jorg@example.com>\r\nTo: x@example.net\r\n"
                + "Subject: =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=\r\n"
                + "\r\nbody\r\n"));
    m.put(
        "utf8-raw-headers-and-body",
        utf8(
            "From: Jörg Müller <jorg@example.com>\r\nTo: 山田 <yamada@example.net>\r\n"
                + "Subject: Grüße – ünïcödé\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
                + "\r\nGrüße aus Köln — 日本語のテキスト\r\n  ümlaut  \r\n"));
    m.put(
        "latin1-8bit-body",
        bytes(
            ascii(HEAD + "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"),
            "Gr\u00fc\u00dfe  aus K\u00f6ln\r\n".getBytes(StandardCharsets.ISO_8859_1)));
    m.put("long-line", ascii(HEAD + "\r\n" + "x".repeat(5000) + "\r\n" + "y ".repeat(1500) + "\r\n"));
    m.put("multipart-alternative", ascii(HEAD + multipartAlternative()));
    m.put("multipart-mixed-attachment", ascii(HEAD + multipartMixed(20_000)));
    m.put("large-1mb", ascii(HEAD + multipartMixed(760_000)));
    m.put("control-chars-in-body", bytes(ascii(HEAD + "\r\n"), new byte[] {'a', 0x01, 'b', 0x7f, 'c', '\f', 'd', '\r', '\n'}));
    m.put(
        "latin1-raw-subject",
        bytes(ascii("From: joe@example.com\r\nSubject: Gr"), new byte[] {(byte) 0xfc, (byte) 0xdf}, ascii("e\r\n\r\nbody\r\n")));
    m.put("nul-in-body", bytes(ascii(HEAD + "\r\nbefore"), new byte[] {0, 0}, ascii("after\r\n")));
    m.put(
        "only-from",
        ascii("From: joe@example.com\r\n\r\nbody\r\n"));
    return m;
  }

  /** Messages the signer must refuse, by name, with a fragment of the expected reason. */
  static Map<String, Map.Entry<byte[], String>> refused() {
    Map<String, Map.Entry<byte[], String>> m = new LinkedHashMap<>();
    m.put("no-from", Map.entry(ascii("To: a@example.net\r\nSubject: x\r\n\r\nbody\r\n"), "no From header field"));
    m.put(
        "two-from",
        Map.entry(ascii("From: a@example.com\r\nTo: x@example.net\r\nFrom: b@example.com\r\n\r\nbody\r\n"), "2 From header fields"));
    m.put("no-separator", Map.entry(ascii("From: a@example.com\r\nSubject: x\r\n"), "no empty line separates"));
    m.put("no-separator-no-crlf", Map.entry(ascii("From: a@example.com"), "no empty line separates"));
    m.put("empty-message", Map.entry(new byte[0], "no empty line separates"));
    m.put("only-separator", Map.entry(ascii("\r\nbody\r\n"), "no From header field"));
    m.put(
        "mbox-from-line",
        Map.entry(ascii("From joe@example.com Fri Jul 11 21:00:37 2003\r\nFrom: a@example.com\r\n\r\nx\r\n"), "mbox \"From \""));
    m.put("leading-continuation", Map.entry(ascii(" folded: x\r\nFrom: a@example.com\r\n\r\nx\r\n"), "starts with whitespace"));
    m.put("line-without-colon", Map.entry(ascii("From: a@example.com\r\nthis is not a header\r\n\r\nx\r\n"), "header line 2 is not a header field"));
    m.put("space-before-colon", Map.entry(ascii("From: a@example.com\r\nSubject : x\r\n\r\nx\r\n"), "header line 2 is not a header field"));
    m.put("from-without-address", Map.entry(ascii("From: undisclosed\r\n\r\nx\r\n"), "not a valid address list"));
    m.put("from-empty-angle", Map.entry(ascii("From: <>\r\n\r\nx\r\n"), "From header field"));
    m.put("bare-lf-in-header", Map.entry(ascii("From: a@example.com\nTo: b@example.net\r\n\r\nx\r\n"), "bare LF"));
    m.put("bare-cr-in-header", Map.entry(ascii("From: a@example.com\rTo: b@example.net\r\n\r\nx\r\n"), "bare CR"));
    m.put("bare-lf-in-body", Map.entry(ascii("From: a@example.com\r\n\r\nline1\nline2\r\n"), "bare LF in body line 1"));
    m.put("bare-cr-in-body", Map.entry(ascii("From: a@example.com\r\n\r\nok\r\nline\rx\r\n"), "bare CR in body line 2"));
    m.put("final-bare-cr", Map.entry(ascii("From: a@example.com\r\n\r\nline\r"), "bare CR"));
    return m;
  }

  /** A typical 10 KB message (the benchmark's size). */
  static byte[] tenKilobytes() {
    StringBuilder body = new StringBuilder();
    Random r = new Random(42);
    while (body.length() < 9_600) {
      for (int i = 0; i < 12; i++) {
        body.append("word").append(r.nextInt(1000)).append(' ');
      }
      body.append("\r\n");
    }
    return ascii(
        HEAD + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + body);
  }

  private static String multipartAlternative() {
    return "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
        + "preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain part\r\n"
        + "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "<html><body><p style=3D\"x\">html =\r\npart</p></body></html>\r\n--b1--\r\nepilogue\r\n";
  }

  private static String multipartMixed(int attachmentBytes) {
    byte[] data = new byte[attachmentBytes];
    new Random(7).nextBytes(data);
    String b64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(data);
    return "MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"=_mixed_42\"\r\n\r\n"
        + "--=_mixed_42\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
        + "--=_mixed_42\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
        + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n\r\n"
        + b64
        + "\r\n--=_mixed_42--\r\n";
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
