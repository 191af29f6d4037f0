package io.mailtrace.model.keys;

import io.vertx.core.Future;

/**
 * Custom DKIM key management, as the query API reaches it (implemented in the signer module,
 * wired by the app). Authorization is the caller's job: this interface trusts that the caller
 * may act on the domain. Futures complete on the calling context; failures are
 * {@link KeyManagementException} for expected cases, anything else is an internal error.
 * Domains are compared lower-case.
 */
public interface DkimKeyService {

  /** The domain's current key (state {@code none} when it has no pending or active key). */
  Future<DkimKeyView> view(String domain);

  /** Generates a selector and key pair: a new pending key. CONFLICT when one is pending/active. */
  Future<DkimKeyView> activate(String domain);

  /** Checks DNS now; {@code ok} makes a pending key active. NO_KEY when there is none. */
  Future<CheckOutcome> checkNow(String domain);

  /** Disables the custom key and destroys its private key. NO_KEY when there is none. */
  Future<Void> disable(String domain);
}
