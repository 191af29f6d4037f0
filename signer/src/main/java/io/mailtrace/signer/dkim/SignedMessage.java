package io.mailtrace.signer.dkim;

import io.mailtrace.model.DkimSignatureInfo;
import java.util.List;

/**
 * The result of signing.
 *
 * @param bytes the message to relay: the new DKIM-Signature headers followed by the original
 *     bytes, unchanged (CRLF line endings)
 * @param applied the signatures added, in header order
 * @param skipped keys not applied because the message already carried their signature
 */
public record SignedMessage(byte[] bytes, List<DkimSignatureInfo> applied, List<SigningKey> skipped) {
  public SignedMessage {
    applied = List.copyOf(applied);
    skipped = List.copyOf(skipped);
  }
}
