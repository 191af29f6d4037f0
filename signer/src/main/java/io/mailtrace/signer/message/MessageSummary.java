package io.mailtrace.signer.message;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;

/**
 * What the SMTP pipeline needs from a message's header section: who it is from (for the sender
 * policy and the choice of a custom DKIM key) and what to record in the trace record. Built from the
 * same {@link HeaderSection} the DKIM signer signs, so both see the same From field.
 *
 * @param from the From field value, unfolded, encoded words decoded (for the trace record)
 * @param fromAddresses the From mailboxes as {@code local@domain}, domain in lower case (A-labels)
 * @param fromDomain the one domain of all From mailboxes, lower case, IDNs as A-labels
 * @param subject the Subject, unfolded and RFC 2047-decoded; null when absent
 * @param messageId the Message-ID without angle brackets; null when absent
 * @param date the Date field value as written; null when absent
 */
public record MessageSummary(
    String from,
    List<String> fromAddresses,
    String fromDomain,
    String subject,
    String messageId,
    String date) {

  public MessageSummary {
    fromAddresses = List.copyOf(fromAddresses);
  }

  /**
   * Parses the header section of a message in wire form.
   *
   * @throws MalformedMessageException with the precise {@link MessageProblem}: framing problems of
   *     {@link HeaderSection#parse}, or a missing, repeated, unparseable or ambiguous From field
   */
  public static MessageSummary parse(byte[] message) {
    return of(HeaderSection.parse(message));
  }

  /** As {@link #parse(byte[])}, for a header section already split. */
  public static MessageSummary of(HeaderSection headers) {
    List<HeaderField> froms = headers.all("From");
    if (froms.isEmpty()) {
      throw new MalformedMessageException(MessageProblem.NO_FROM, "the message has no From header field");
    }
    if (froms.size() > 1) {
      throw new MalformedMessageException(
          MessageProblem.MULTIPLE_FROM,
          "the message has "
              + froms.size()
              + " From header fields (lines "
              + froms.stream().map(f -> String.valueOf(f.line())).reduce((a, b) -> a + ", " + b).orElse("")
              + "); exactly one is allowed");
    }
    String fromValue = froms.get(0).value();
    List<String> addresses = fromAddresses(froms.get(0));
    Set<String> domains = new LinkedHashSet<>();
    for (String a : addresses) {
      domains.add(a.substring(a.lastIndexOf('@') + 1));
    }
    if (domains.size() > 1) {
      throw new MalformedMessageException(
          MessageProblem.MIXED_FROM_DOMAINS,
          "the From header field lists mailboxes in " + domains.size() + " domains " + domains
              + "; one domain per message");
    }
    String subject = headers.first("Subject").map(f -> decode(f.value())).orElse(null);
    String messageId = headers.first("Message-ID").map(f -> stripAngles(f.value())).orElse(null);
    String date = headers.first("Date").map(HeaderField::value).orElse(null);
    return new MessageSummary(
        decode(fromValue), addresses, domains.iterator().next(), subject, messageId, date);
  }

  /**
   * The mailboxes of a From field as {@code local@domain}, domains in lower case (A-labels).
   *
   * @throws MalformedMessageException UNPARSEABLE_FROM or FROM_WITHOUT_ADDRESS
   */
  public static List<String> fromAddresses(HeaderField from) {
    String fromValue = from.value();
    String simple = SimpleMailbox.addrSpec(fromValue);
    if (simple != null) {
      int at = simple.lastIndexOf('@');
      return List.of(simple.substring(0, at) + "@" + asciiDomain(simple.substring(at + 1), fromValue));
    }
    return parsedAddresses(fromValue);
  }

  /** {@link #fromAddresses} through the full RFC 5322 parser, whatever the form. */
  static List<String> parsedAddresses(String fromValue) {
    AddressList list;
    try {
      list = DefaultAddressParser.DEFAULT.parseAddressList(fromValue, DecodeMonitor.SILENT);
    } catch (ParseException | RuntimeException e) {
      throw new MalformedMessageException(
          MessageProblem.UNPARSEABLE_FROM,
          "the From header field is not a valid address list: " + shorten(fromValue));
    }
    List<String> addresses = new ArrayList<>();
    for (Mailbox m : list.flatten()) {
      String local = m.getLocalPart();
      String domain = m.getDomain();
      if (local == null || local.isEmpty() || domain == null || domain.isEmpty()) {
        continue;
      }
      addresses.add(local + "@" + asciiDomain(domain, fromValue));
    }
    if (addresses.isEmpty()) {
      throw new MalformedMessageException(
          MessageProblem.FROM_WITHOUT_ADDRESS,
          "the From header field names no mailbox with a domain: " + shorten(fromValue));
    }
    return addresses;
  }

  private static String asciiDomain(String domain, String fromValue) {
    String d = domain.strip();
    if (d.startsWith("[")) {
      return d.toLowerCase(Locale.ROOT); // domain literal
    }
    try {
      return IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(
          MessageProblem.UNPARSEABLE_FROM,
          "the From header field has an invalid domain: " + shorten(fromValue));
    }
  }

  static String decode(String value) {
    if (!value.contains("=?")) {
      return value; // no encoded word: nothing to decode
    }
    try {
      return DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
    } catch (RuntimeException e) {
      return value; // undecodable encoded words: keep the text as written
    }
  }

  private static String stripAngles(String id) {
    String s = id.strip();
    if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
      return s.substring(1, s.length() - 1).strip();
    }
    return s;
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? "\"" + s + "\"" : "\"" + s.substring(0, 77) + "...\"";
  }
}
