package io.mailtrace.signer.dkim;

import io.mailtrace.model.CustomSkipReason;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Decides which keys sign a message: the sender domain's custom key when it is active and the
 * From domain matches (first), then the platform's shared key (always). The shared-only
 * implementation serves until custom keys exist; the custom-key implementation reads a cache
 * refreshed from the key store.
 */
public interface SigningKeySource {

  /**
   * @param accountDomain the sending account's domain
   * @param fromDomain the domain of the From header (lower-case)
   */
  Future<Selection> keysFor(String accountDomain, String fromDomain);

  /**
   * @param keys keys to apply, in order
   * @param customSkipped why the domain's custom key was not used, when it has one
   */
  record Selection(List<SigningKey> keys, Optional<CustomSkipReason> customSkipped) {
    public Selection {
      keys = List.copyOf(keys);
    }
  }
}
