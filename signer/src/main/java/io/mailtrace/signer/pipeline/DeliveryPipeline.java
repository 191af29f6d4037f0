package io.mailtrace.signer.pipeline;

import io.mailtrace.signer.smtp.SmtpReply;
import io.vertx.core.Future;

/**
 * What happens to a received message: policy, signing, relaying, tracing. Every call ends the
 * transaction (its next-hop connection is released) and writes one trace record. Never fails: the
 * returned reply already maps every error. Call from the session's event loop.
 */
public interface DeliveryPipeline {
  /**
   * Checks the From header, signs, sends to the next hop, appends the trace record and returns the
   * final reply for the client (250 only when the next hop accepted and the record is durable).
   *
   * @param message dot-unstuffed message with CRLF line endings
   */
  Future<SmtpReply> deliver(Transaction tx, byte[] message);

  /**
   * Records a transaction that ended without delivery: {@code refusal} is what the client got (or,
   * for an aborted session, the reason) and becomes the status reason.
   */
  Future<SmtpReply> refuse(Transaction tx, SmtpReply refusal, long sizeBytes);

  /** False when the trace journal has no room for another transaction (see TraceJournal#nearlyFull). */
  default boolean canTrace() {
    return true;
  }
}
