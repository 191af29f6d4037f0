package io.mailtrace.journal;

import io.mailtrace.model.TraceRecord;
import io.vertx.core.Future;

/**
 * Where the signer writes trace records: a durable, append-only log.
 *
 * <p>{@link #append} completes only once the record is on disk (fsynced). It fails with
 * {@link JournalFullException} at once when the size cap is reached (backpressure: the SMTP side
 * answers 452 4.3.1) and with {@link JournalWriteException} when the write or fsync failed (451
 * 4.3.0); a failed append is never retried and then trusted. Safe to call from any thread or
 * event loop; completion runs on the caller's context when it has one.
 */
public interface TraceJournal {
  Future<Void> append(TraceRecord record);

  /**
   * Whether the journal is so close to its cap that the next records may not fit. The signer asks
   * before it opens a transaction, so it can answer 452 4.3.1 at MAIL instead of relaying a
   * message whose record then could not be written (the client would retry and the recipient get
   * it twice). Advisory: {@link #append} stays the authority.
   */
  default boolean nearlyFull() {
    return false;
  }
}
