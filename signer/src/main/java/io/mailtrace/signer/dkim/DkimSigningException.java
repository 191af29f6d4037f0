package io.mailtrace.signer.dkim;

/**
 * A message that cannot be signed. {@link #permanent()} problems (no From header, unparseable
 * header section) answer 5xx; temporary ones (a worker pool that is shut down) answer 4xx.
 */
public final class DkimSigningException extends RuntimeException {
  private final boolean permanent;

  public DkimSigningException(String message, boolean permanent) {
    super(message);
    this.permanent = permanent;
  }

  public DkimSigningException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  public boolean permanent() {
    return permanent;
  }
}
