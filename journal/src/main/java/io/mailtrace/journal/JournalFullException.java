package io.mailtrace.journal;

/** The journal reached its size cap; nothing was written. Temporary: it clears as ingest catches up. */
public final class JournalFullException extends JournalException {
  public JournalFullException(String message) {
    super(message, null);
  }
}
