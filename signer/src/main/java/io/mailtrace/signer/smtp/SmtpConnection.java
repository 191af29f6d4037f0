package io.mailtrace.signer.smtp;

import io.mailtrace.model.TlsInfo;
import io.vertx.core.Future;

/** The socket side of a session, implemented by the network adapter (or a test). */
public interface SmtpConnection {
  void send(SmtpReply reply);

  /** Upgrades the connection to TLS after the 220 reply was sent. */
  Future<TlsInfo> startTls();

  /** Stop reading while the session works on a command (bounded buffering). */
  void pause();

  void resume();

  /** Closes after pending writes are flushed. */
  void close();
}
