package io.mailtrace.signer.message;

/**
 * Why a message was refused before signing. Every problem is permanent: the client has to fix the
 * message, so the SMTP layer answers 5xx (5.6.0 for format problems, see {@link #policy()}).
 */
public enum MessageProblem {
  /** A CR not followed by LF, or a LF not preceded by CR. */
  BARE_LINE_ENDING,
  /** The message ends before the empty line that separates the header section from the body. */
  NO_HEADER_BODY_SEPARATOR,
  /** A header line that is not a field (no name, no colon, whitespace in the name, mbox "From "). */
  MALFORMED_HEADER_LINE,
  /** No From header field (RFC 5322 requires one; DKIM must sign it). */
  NO_FROM,
  /** More than one From header field (RFC 5322 allows exactly one). */
  MULTIPLE_FROM,
  /** The From field value is not an RFC 5322 address list. */
  UNPARSEABLE_FROM,
  /** The From field parses but names no mailbox with a domain. */
  FROM_WITHOUT_ADDRESS,
  /** The From field lists mailboxes in more than one domain. */
  MIXED_FROM_DOMAINS;

  /** True for problems of the From field (a sender-policy matter rather than framing). */
  public boolean policy() {
    return switch (this) {
      case NO_FROM, MULTIPLE_FROM, UNPARSEABLE_FROM, FROM_WITHOUT_ADDRESS, MIXED_FROM_DOMAINS -> true;
      default -> false;
    };
  }
}
