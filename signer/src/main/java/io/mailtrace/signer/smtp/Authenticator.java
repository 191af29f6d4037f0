package io.mailtrace.signer.smtp;

import io.mailtrace.signer.accounts.Account;
import io.vertx.core.Future;
import java.util.Optional;

/** Who may send. Implementations do blocking work (files, Argon2id) on a worker pool. */
public interface Authenticator {
  /** The account when the credentials are right; empty when wrong; failed future on a local error. */
  Future<Optional<Account>> authenticate(String user, String password);

  /** Whether a client at this address may send without AUTH (a trusted MTA in front). */
  boolean trusted(String clientIp);

  /** For trusted clients: the account that owns the envelope sender's domain. */
  Future<Optional<Account>> accountForDomain(String domain);
}
