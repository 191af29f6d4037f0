package io.mailtrace.signer.pipeline;

import io.mailtrace.model.TlsInfo;
import io.mailtrace.signer.accounts.Account;
import io.mailtrace.signer.relay.RelayTransaction;
import io.mailtrace.signer.smtp.SmtpReply;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction of an inbound session, from MAIL to its end: what the trace record is built
 * from. Mutable, confined to the session's event loop.
 */
public final class Transaction {
  /** One RCPT and the reply the client got for it (the next hop's, or ours). */
  public record Rcpt(String address, SmtpReply reply) {}

  private final String clientIp;
  private final String clientHelo;
  private final TlsInfo tls;
  private final Account account;
  private final String envelopeFrom;
  private final List<Rcpt> rcpts = new ArrayList<>();
  private RelayTransaction relay;

  public Transaction(String clientIp, String clientHelo, TlsInfo tls, Account account, String envelopeFrom) {
    this.clientIp = clientIp;
    this.clientHelo = clientHelo;
    this.tls = tls;
    this.account = account;
    this.envelopeFrom = envelopeFrom;
  }

  public String clientIp() {
    return clientIp;
  }

  public String clientHelo() {
    return clientHelo;
  }

  public TlsInfo tls() {
    return tls;
  }

  public Account account() {
    return account;
  }

  public String envelopeFrom() {
    return envelopeFrom;
  }

  public List<Rcpt> rcpts() {
    return List.copyOf(rcpts);
  }

  public void addRcpt(String address, SmtpReply reply) {
    rcpts.add(new Rcpt(address, reply));
  }

  /** Recipients the next hop accepted. */
  public List<String> accepted() {
    return rcpts.stream().filter(r -> r.reply().positive()).map(Rcpt::address).toList();
  }

  public RelayTransaction relay() {
    return relay;
  }

  public void relay(RelayTransaction r) {
    this.relay = r;
  }

  /** Releases the next-hop connection, if any (idempotent). */
  public void releaseRelay() {
    if (relay != null) {
      relay.release();
      relay = null;
    }
  }
}
