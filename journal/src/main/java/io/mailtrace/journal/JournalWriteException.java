package io.mailtrace.journal;

/** Writing or fsyncing the record failed; the record must be treated as not durable. */
public final class JournalWriteException extends JournalException {
  public JournalWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
