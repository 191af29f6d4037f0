package io.mailtrace.model.keys;

import java.util.Optional;

/**
 * A key-management request that cannot be done; {@link #kind()} is a closed set the API maps to
 * an HTTP status in one place. Messages are safe to show to the caller (never key material).
 */
public final class KeyManagementException extends RuntimeException {

  /** Why the request failed. */
  public enum Kind {
    /** A key is already pending or active (409, with {@link #current()}). */
    CONFLICT,
    /** The domain has no pending or active key to check or disable (404). */
    NO_KEY,
    /** The domain name is not acceptable (400). */
    INVALID_DOMAIN,
    /** The key store is unreachable (503). */
    UNAVAILABLE
  }

  private final Kind kind;
  private final transient DkimKeyView current;

  public KeyManagementException(Kind kind, String message, DkimKeyView current) {
    super(message, null, false, false);
    this.kind = kind;
    this.current = current;
  }

  public KeyManagementException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The domain's current key, for conflicts. */
  public Optional<DkimKeyView> current() {
    return Optional.ofNullable(current);
  }
}
