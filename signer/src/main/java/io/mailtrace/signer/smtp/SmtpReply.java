package io.mailtrace.signer.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply: code, enhanced status (RFC 3463, may be null for greeting/EHLO) and text lines.
 * Every reply the server sends is a named constant or a factory method of this class, so the full
 * vocabulary of the server can be read in one place.
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

  public SmtpReply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("reply code " + code);
    }
    lines = List.copyOf(lines.isEmpty() ? List.of("") : lines);
  }

  public SmtpReply(int code, String enhanced, String text) {
    this(code, enhanced, List.of(text));
  }

  // --- session ---------------------------------------------------------------------------
  public static final SmtpReply OK = new SmtpReply(250, "2.0.0", "Ok");
  public static final SmtpReply SENDER_OK = new SmtpReply(250, "2.1.0", "Sender ok");
  public static final SmtpReply RESET_OK = new SmtpReply(250, "2.0.0", "Reset ok");
  public static final SmtpReply BYE = new SmtpReply(221, "2.0.0", "Bye");
  public static final SmtpReply START_DATA = new SmtpReply(354, null, "End data with <CR><LF>.<CR><LF>");
  public static final SmtpReply READY_FOR_TLS = new SmtpReply(220, "2.0.0", "Ready to start TLS");
  public static final SmtpReply VRFY_CANNOT =
      new SmtpReply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
  public static final SmtpReply AUTH_OK = new SmtpReply(235, "2.7.0", "Authentication successful");
  public static final SmtpReply AUTH_CONTINUE = new SmtpReply(334, null, "");
  /** AUTH LOGIN challenges, base64 of "Username:" and "Password:". */
  public static final SmtpReply AUTH_USERNAME = new SmtpReply(334, null, "VXNlcm5hbWU6");

  public static final SmtpReply AUTH_PASSWORD = new SmtpReply(334, null, "UGFzc3dvcmQ6");

  // --- syntax and sequence ---------------------------------------------------------------
  public static final SmtpReply UNRECOGNIZED = new SmtpReply(500, "5.5.2", "Syntax error, command unrecognized");
  public static final SmtpReply LINE_TOO_LONG = new SmtpReply(500, "5.5.2", "Line too long");
  public static final SmtpReply BAD_SYNTAX = new SmtpReply(501, "5.5.4", "Syntax error in parameters or arguments");
  public static final SmtpReply BAD_SENDER_SYNTAX = new SmtpReply(501, "5.1.7", "Bad sender address syntax");
  public static final SmtpReply BAD_RECIPIENT_SYNTAX = new SmtpReply(501, "5.1.3", "Bad recipient address syntax");
  public static final SmtpReply BAD_PARAMETER = new SmtpReply(555, "5.5.4", "Unsupported MAIL/RCPT parameter");
  public static final SmtpReply NOT_IMPLEMENTED = new SmtpReply(502, "5.5.1", "Command not implemented");
  public static final SmtpReply NEED_HELO = new SmtpReply(503, "5.5.1", "Send EHLO/HELO first");
  public static final SmtpReply NESTED_MAIL = new SmtpReply(503, "5.5.1", "Sender already specified");
  public static final SmtpReply NEED_MAIL = new SmtpReply(503, "5.5.1", "Need MAIL command first");
  public static final SmtpReply NEED_RCPT = new SmtpReply(503, "5.5.1", "Need RCPT command first");
  public static final SmtpReply NO_VALID_RECIPIENTS = new SmtpReply(554, "5.5.1", "No valid recipients");
  public static final SmtpReply TLS_ALREADY_ACTIVE = new SmtpReply(503, "5.5.1", "TLS already active");
  public static final SmtpReply TLS_NOT_AVAILABLE = new SmtpReply(454, "4.7.0", "TLS not available");
  public static final SmtpReply ALREADY_AUTHENTICATED = new SmtpReply(503, "5.5.1", "Already authenticated");
  public static final SmtpReply AUTH_DURING_MAIL = new SmtpReply(503, "5.5.1", "AUTH not allowed during a mail transaction");
  public static final SmtpReply TOO_MANY_ERRORS = new SmtpReply(421, "4.7.0", "Too many errors, closing connection");

  // --- auth and policy ---------------------------------------------------------------------
  public static final SmtpReply AUTH_REQUIRED = new SmtpReply(530, "5.7.0", "Authentication required");
  public static final SmtpReply MUST_STARTTLS = new SmtpReply(530, "5.7.0", "Must issue a STARTTLS command first");
  public static final SmtpReply ENCRYPTION_REQUIRED =
      new SmtpReply(538, "5.7.11", "Encryption required for requested authentication mechanism");
  public static final SmtpReply AUTH_MECHANISM_UNKNOWN =
      new SmtpReply(504, "5.5.4", "Unrecognized authentication type");
  public static final SmtpReply AUTH_FAILED = new SmtpReply(535, "5.7.8", "Authentication credentials invalid");
  public static final SmtpReply AUTH_CANCELLED = new SmtpReply(501, "5.7.0", "Authentication cancelled");
  public static final SmtpReply AUTH_BAD_BASE64 = new SmtpReply(501, "5.5.2", "Cannot decode base64 response");
  public static final SmtpReply AUTH_TEMP_FAILURE =
      new SmtpReply(454, "4.7.0", "Temporary authentication failure");
  public static final SmtpReply SENDER_DOMAIN_NOT_ALLOWED =
      new SmtpReply(550, "5.7.1", "Sender address domain is not the account's domain");
  public static final SmtpReply FROM_DOMAIN_NOT_ALLOWED =
      new SmtpReply(550, "5.7.1", "From header domain is not the account's domain");
  public static final SmtpReply UNKNOWN_SENDER_DOMAIN =
      new SmtpReply(550, "5.7.1", "Sender domain has no account here; relaying denied");
  public static final SmtpReply NULL_SENDER_NOT_ALLOWED =
      new SmtpReply(550, "5.7.1", "Null sender not allowed: the envelope sender names the account");

  // --- limits --------------------------------------------------------------------------------
  public static final SmtpReply MESSAGE_TOO_BIG = new SmtpReply(552, "5.3.4", "Message size exceeds fixed limit");
  public static final SmtpReply TOO_MANY_RECIPIENTS = new SmtpReply(452, "4.5.3", "Too many recipients");
  /** RFC 5321 4.5.3.1.6 caps a text line at 1000 octets with CRLF; we refuse rather than fold. */
  public static final SmtpReply DATA_LINE_TOO_LONG =
      new SmtpReply(552, "5.5.2", "Message line longer than 998 octets refused");
  public static final SmtpReply BARE_LF =
      new SmtpReply(550, "5.5.2", "Message refused: bare <LF> received (lines must end with <CR><LF>)");
  public static final SmtpReply BARE_CR =
      new SmtpReply(550, "5.5.2", "Message refused: bare <CR> received (lines must end with <CR><LF>)");
  public static final SmtpReply COMMAND_TIMEOUT = new SmtpReply(421, "4.4.2", "Timeout waiting for command, closing connection");
  public static final SmtpReply DATA_TIMEOUT = new SmtpReply(421, "4.4.2", "Timeout waiting for data, closing connection");
  public static final SmtpReply TOO_MANY_CONNECTIONS =
      new SmtpReply(421, "4.7.0", "Too many connections from your address, try later");
  public static final SmtpReply SHUTTING_DOWN = new SmtpReply(421, "4.3.2", "Service shutting down, closing connection");

  // --- relay and journal --------------------------------------------------------------------
  public static final SmtpReply NEXT_HOP_UNREACHABLE = new SmtpReply(451, "4.4.1", "Next hop unreachable, try again later");
  public static final SmtpReply NEXT_HOP_PROTOCOL_ERROR =
      new SmtpReply(451, "4.4.2", "Next hop connection failed during the transaction, try again later");
  public static final SmtpReply JOURNAL_FULL = new SmtpReply(452, "4.3.1", "Trace journal full, try again later");
  public static final SmtpReply JOURNAL_WRITE_FAILED = new SmtpReply(451, "4.3.0", "Trace record could not be written, try again later");
  public static final SmtpReply SIGNING_TEMP_FAILURE = new SmtpReply(451, "4.3.0", "Message could not be signed, try again later");
  public static final SmtpReply LOCAL_ERROR = new SmtpReply(451, "4.3.0", "Local error in processing, try again later");

  public static SmtpReply greeting(String hostname) {
    return new SmtpReply(220, null, hostname + " ESMTP Mailtrace signer");
  }

  public static SmtpReply helo(String hostname, String clientName) {
    return new SmtpReply(250, null, hostname + " Hello " + clientName);
  }

  public static SmtpReply ehlo(String hostname, String clientName, List<String> extensions) {
    var lines = new java.util.ArrayList<String>();
    lines.add(hostname + " Hello " + clientName);
    lines.addAll(extensions);
    return new SmtpReply(250, null, lines);
  }

  public static SmtpReply recipientOk() {
    return new SmtpReply(250, "2.1.5", "Recipient ok");
  }

  public static SmtpReply unsignable(String why) {
    return new SmtpReply(554, "5.6.0", "Message cannot be signed: " + sanitize(why));
  }

  public static SmtpReply accepted(String traceId) {
    return new SmtpReply(250, "2.0.0", "Ok: relayed, trace id " + traceId);
  }

  /** A reply received from the next hop, passed on unchanged (code, enhanced status, text). */
  public static SmtpReply fromNextHop(int code, String enhanced, List<String> lines) {
    return new SmtpReply(code, enhanced, lines.stream().map(SmtpReply::sanitize).toList());
  }

  /** Keeps reply text printable and single-line. */
  static String sanitize(String s) {
    if (s == null) {
      return "";
    }
    var b = new StringBuilder(Math.min(s.length(), 400));
    for (int i = 0; i < s.length() && b.length() < 400; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : ' ');
    }
    return b.toString();
  }

  public boolean positive() {
    return code < 400;
  }

  public boolean transientFailure() {
    return code >= 400 && code < 500;
  }

  public boolean permanentFailure() {
    return code >= 500;
  }

  /** Whether the server closes the connection after sending this reply. */
  public boolean closesConnection() {
    return code == 421 || code == 221;
  }

  /** One line, as logged and stored in trace records, e.g. {@code 250 2.0.0 Ok}. */
  public String oneLine() {
    return code + (enhanced == null ? "" : " " + enhanced) + (lines.get(0).isEmpty() ? "" : " " + lines.get(0))
        + (lines.size() > 1 ? " ..." : "");
  }

  /** The wire form: every line but the last with {@code code-}, the enhanced status on each line. */
  public String wire() {
    var b = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      b.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (enhanced != null) {
        b.append(enhanced);
        if (!lines.get(i).isEmpty()) {
          b.append(' ');
        }
      }
      b.append(lines.get(i)).append("\r\n");
    }
    return b.toString();
  }

  public byte[] wireBytes() {
    return wire().getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return oneLine();
  }
}
