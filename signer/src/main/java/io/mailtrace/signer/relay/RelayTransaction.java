package io.mailtrace.signer.relay;

import io.mailtrace.signer.smtp.SmtpReply;
import io.vertx.core.Future;

/** One mail transaction at the next hop, in progress. Not thread-safe: use from one event loop. */
public interface RelayTransaction {
  /**
   * Sends RCPT TO and returns the next hop's exact reply; fails when the connection broke. The
   * first call also sends MAIL FROM: when the next hop refuses MAIL, that refusal is the answer to
   * this and every later RCPT of the transaction.
   */
  Future<SmtpReply> rcpt(String address);

  /**
   * Sends DATA and the message (dot-stuffed on the wire, exactly these bytes otherwise) and returns
   * the next hop's final reply (or its refusal of DATA). The connection then goes back to the pool.
   */
  Future<SmtpReply> data(byte[] message);

  /** Abandons the transaction: RSET and back to the pool, or closed when broken. Idempotent. */
  void release();
}
