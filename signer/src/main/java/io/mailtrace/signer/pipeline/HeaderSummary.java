package io.mailtrace.signer.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The few header fields the relay needs for policy and the trace record (From addresses, Subject,
 * Message-ID), read from the header section of a CRLF message without parsing the body.
 *
 * @param fromCount number of From header fields (RFC 5322 allows exactly one)
 * @param fromAddresses the addr-specs of the (first) From field, lower-cased domains
 */
public record HeaderSummary(int fromCount, String fromHeader, List<String> fromAddresses, String subject, String messageId) {

  public static HeaderSummary parse(byte[] message) {
    int end = headerEnd(message);
    String head = new String(message, 0, end, StandardCharsets.UTF_8);
    String unfolded = head.replaceAll("\r\n(?=[ \t])", "");
    int fromCount = 0;
    String from = null;
    String subject = null;
    String messageId = null;
    for (String line : unfolded.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "from" -> {
          fromCount++;
          if (from == null) {
            from = value;
          }
        }
        case "subject" -> subject = subject == null ? decode(value) : subject;
        case "message-id" -> messageId = messageId == null ? value : messageId;
        default -> { }
      }
    }
    return new HeaderSummary(fromCount, from, from == null ? List.of() : addresses(from), subject, messageId);
  }

  /** Domains of all From addresses (lower-case); empty when there is no usable address. */
  public List<String> fromDomains() {
    return fromAddresses.stream().map(a -> a.substring(a.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)).toList();
  }

  private static String decode(String v) {
    try {
      return DecoderUtil.decodeEncodedWords(v, DecodeMonitor.SILENT);
    } catch (RuntimeException e) {
      return v;
    }
  }

  /** Offset just after the CRLF CRLF that ends the header section (or the whole message). */
  static int headerEnd(byte[] m) {
    if (m.length >= 2 && m[0] == '\r' && m[1] == '\n') {
      return 0;
    }
    for (int i = 0; i + 3 < m.length; i++) {
      if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
        return i + 2;
      }
    }
    return m.length;
  }

  /** addr-specs in a mailbox-list: angle-bracketed ones, else bare tokens with '@'. */
  static List<String> addresses(String value) {
    // drop quoted strings and comments, which may contain '@', '<' or ','
    String v = value.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("\\([^()]*\\)", " ");
    var out = new ArrayList<String>();
    for (String part : v.split(",")) {
      String p = part.trim();
      int lt = p.indexOf('<');
      int gt = p.indexOf('>', lt + 1);
      String addr = lt >= 0 && gt > lt ? p.substring(lt + 1, gt).trim() : p;
      int at = addr.lastIndexOf('@');
      if (at > 0 && at < addr.length() - 1 && !addr.contains(" ")) {
        out.add(addr);
      } else if (!p.isEmpty() && !p.endsWith(":;") && !p.contains(":")) {
        out.add(addr); // unusable: keeps the count so policy can refuse it
      }
    }
    return out;
  }
}
