package io.mailtrace.signer.relay;

import io.vertx.core.Future;

/**
 * The SMTP server the signer relays to. Implementations pool connections; a transaction holds one
 * connection from {@link #begin} until {@link RelayTransaction#data} completes or
 * {@link RelayTransaction#release} is called. Call from the owning event loop.
 */
public interface NextHop {
  /**
   * Takes a connection and sends MAIL FROM. Succeeds with the transaction even when the next hop
   * refused MAIL (see {@link RelayTransaction#mailReply()}); fails with
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
