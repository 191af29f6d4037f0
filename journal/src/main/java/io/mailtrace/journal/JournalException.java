package io.mailtrace.journal;

/** A journal append that did not make the record durable. */
public abstract class JournalException extends RuntimeException {
  protected JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
