package io.mailtrace.signer.dkim;

import io.mailtrace.model.DkimKind;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/** The platform's shared key for every message, whatever the domain: the shared-only policy. */
public final class SharedKeySource implements SigningKeySource {
  private final Future<Selection> selection;

  public SharedKeySource(SigningKey sharedKey) {
    if (sharedKey.kind() != DkimKind.SHARED) {
      throw new IllegalArgumentException("the shared key must be of kind SHARED: " + sharedKey);
    }
    this.selection = Future.succeededFuture(new Selection(List.of(sharedKey), Optional.empty()));
  }

  @Override
  public Future<Selection> keysFor(String accountDomain, String fromDomain) {
    return selection;
  }
}
