package io.mailtrace.signer.dkim;

import io.mailtrace.signer.message.HeaderSection;
import io.vertx.core.Future;
import java.util.List;

/**
 * Adds DKIM-Signature headers to a message (RFC 6376, rsa-sha256, relaxed/relaxed).
 *
 * <p>The body is canonicalized and hashed once however many keys sign. Keys are applied in list
 * order, the first key's signature ending up first (topmost) in the message. A key whose
 * (domain, selector) already signed the message is skipped, so a message is never signed twice
 * by the same key. CPU work runs on a worker pool, never on the caller's event loop.
 *
 * <p>Fails with {@link DkimSigningException} (a permanent problem of the message, e.g. no From
 * header) for messages that cannot be signed.
 */
public interface MessageSigner {
  /**
   * @param message the message as received after DATA: CRLF line endings, dot-unstuffed,
   *     without the terminating {@code .} line
   * @param headers its header section as {@link DkimSignerCore#parse} returns it (exactly one From,
   *     naming an address with a domain); the pipeline has split it already for its sender policy,
   *     so the signer does not parse the message a second time
   */
  Future<SignedMessage> sign(byte[] message, HeaderSection headers, List<SigningKey> keys);

  /** {@link #sign(byte[], HeaderSection, List)} of a message not parsed yet (parses it on the calling thread). */
  default Future<SignedMessage> sign(byte[] message, List<SigningKey> keys) {
    HeaderSection headers;
    try {
      headers = DkimSignerCore.parse(message);
    } catch (DkimSigningException e) {
      return Future.failedFuture(e);
    }
    return sign(message, headers, keys);
  }
}
