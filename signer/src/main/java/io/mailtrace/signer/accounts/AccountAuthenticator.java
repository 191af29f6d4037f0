package io.mailtrace.signer.accounts;

import io.mailtrace.signer.smtp.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Optional;

/**
 * {@link Authenticator} over the {@link AccountStore} and the trusted networks. Argon2id and file
 * reads run on the given worker pool (unordered: verifications of one context run in parallel).
 */
public final class AccountAuthenticator implements Authenticator {
  private final AccountStore store;
  private final List<Cidr> trusted;
  private final WorkerExecutor workers;

  public AccountAuthenticator(AccountStore store, List<String> trustedNetworks, WorkerExecutor workers) {
    this.store = store;
    this.trusted = trustedNetworks.stream().map(Cidr::parse).toList();
    this.workers = workers;
  }

  @Override
  public Future<Optional<Account>> authenticate(String user, String password) {
    return workers.executeBlocking(() -> store.verify(user, password.toCharArray()), false);
  }

  @Override
  public boolean trusted(String clientIp) {
    return trusted.stream().anyMatch(c -> c.contains(clientIp));
  }

  /** Answered from memory when the store looked at its file recently (every trusted MAIL asks). */
  @Override
  public Future<Optional<Account>> accountForDomain(String domain) {
    Account recent = store.recentForDomain(domain);
    if (recent != null) {
      return Future.succeededFuture(Optional.of(recent));
    }
    return workers.executeBlocking(() -> store.forDomain(domain), false);
  }
}
