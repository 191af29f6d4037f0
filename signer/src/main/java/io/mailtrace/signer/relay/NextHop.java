package io.mailtrace.signer.relay;

import io.vertx.core.Future;

/**
 * The SMTP server the signer relays to. Implementations pool connections; a transaction holds one
 * connection from {@link #begin} until {@link RelayTransaction#data} completes or
 * {@link RelayTransaction#release} is called. Call from the owning event loop.
 */
public interface NextHop {
  /**
   * Takes a connection (pooled, or new and greeted) for a transaction from {@code mailFrom}; MAIL
   * FROM itself goes out with the first RCPT ({@link RelayTransaction#rcpt}). Fails with
   * {@link NextHopUnavailableException} when the next hop cannot be reached.
   *
   * @param eightBit whether the client declared BODY=8BITMIME
   */
  Future<RelayTransaction> begin(String mailFrom, boolean eightBit);

  /** host:port, as recorded in trace records. */
  String address();

  /** Closes idle connections; open transactions finish on their own. */
  Future<Void> close();
}
