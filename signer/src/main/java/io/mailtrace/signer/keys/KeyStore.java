package io.mailtrace.signer.keys;

import io.mailtrace.model.keys.KeyState;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * Where custom keys live (shared by every node). Reads return records carrying the version they
 * were read at; {@link #update} fails with {@link ConcurrentUpdateException} when the document
 * changed since. Futures complete on the caller's context.
 */
public interface KeyStore {

  /** Creates the index (strict mapping) when missing. */
  Future<Void> ensureIndex();

  /** Every key of the domain, newest first. */
  Future<List<DkimKeyRecord>> forDomain(String domain);

  /** Every key in one of the states, oldest first. */
  Future<List<DkimKeyRecord>> inStates(Set<KeyState> states);

  /** Stores a new key; fails with {@link ConcurrentUpdateException} when its id exists. */
  Future<DkimKeyRecord> create(DkimKeyRecord record);

  /** Replaces the key if still at the version it was read at; returns it at its new version. */
  Future<DkimKeyRecord> update(DkimKeyRecord record);

  /** Raised when an optimistic write lost a race. */
  final class ConcurrentUpdateException extends RuntimeException {
    public ConcurrentUpdateException(String id) {
      super("key " + id + " was changed concurrently", null, false, false);
    }
  }
}
