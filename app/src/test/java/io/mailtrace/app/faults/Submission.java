package io.mailtrace.app.faults;

/**
 * What the SMTP client saw for one message (identified by its unique Message-ID).
 *
 * @param reply the last reply line received for it (null when none)
 * @param traceId the trace id named in the final 250 (null otherwise)
 */
public record Submission(String messageId, Outcome outcome, String reply, String traceId) {

  /** The client's view of one transaction. */
  public enum Outcome {
    /** The final dot got 250: the promise applies. */
    ACCEPTED,
    /** A definite 4xx/5xx (to MAIL, RCPT, DATA or the final dot). */
    REFUSED,
    /** The final dot was sent but the connection died before any reply: ambiguous. */
    NO_ANSWER,
    /** The connection died before the final dot was sent: the server cannot have relayed it. */
    ABORTED
  }

  public boolean replyStartsWith(String prefix) {
    return reply != null && reply.startsWith(prefix);
  }
}
