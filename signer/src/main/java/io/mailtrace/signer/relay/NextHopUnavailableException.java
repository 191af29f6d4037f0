package io.mailtrace.signer.relay;

/** The next hop could not be reached or broke the connection during a transaction. */
public final class NextHopUnavailableException extends RuntimeException {
  public NextHopUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public NextHopUnavailableException(String message) {
    super(message);
  }
}
