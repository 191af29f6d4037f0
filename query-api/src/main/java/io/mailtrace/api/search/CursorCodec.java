package io.mailtrace.api.search;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque paging cursors: the search_after position, HMAC-SHA256-tagged so a client can neither
 * forge nor edit one (a forged cursor is a 400, and the tenant scope is re-applied from the
 * token on every page anyway). Format: base64url(millis(8) | id) "." base64url(tag(16)).
 */
public final class CursorCodec {
  private static final int TAG_BYTES = 16;
  private final SecretKeySpec key;

  /** @param secret server secret (the JWT secret); a derived key is used, never the secret itself */
  public CursorCodec(String secret) {
    try {
      byte[] derived = MessageDigest.getInstance("SHA-256").digest(("mailtrace-cursor-v1:" + secret).getBytes(StandardCharsets.UTF_8));
      this.key = new SecretKeySpec(derived, "HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String encode(SortKey k) {
    byte[] id = k.id().getBytes(StandardCharsets.UTF_8);
    byte[] payload = ByteBuffer.allocate(8 + id.length).putLong(k.timestampMillis()).put(id).array();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(payload) + "." + b64.encodeToString(tag(payload));
  }

  /** The position, or empty when the cursor is malformed or its tag does not verify. */
  public Optional<SortKey> decode(String cursor) {
    if (cursor == null || cursor.length() > 200) {
      return Optional.empty();
    }
    int dot = cursor.indexOf('.');
    if (dot <= 0 || dot != cursor.lastIndexOf('.')) {
      return Optional.empty();
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      byte[] payload = b64.decode(cursor.substring(0, dot));
      byte[] tag = b64.decode(cursor.substring(dot + 1));
      if (payload.length < 9 || !MessageDigest.isEqual(tag, tag(payload))) {
        return Optional.empty();
      }
      ByteBuffer buf = ByteBuffer.wrap(payload);
      long millis = buf.getLong();
      String id = new String(Arrays.copyOfRange(payload, 8, payload.length), StandardCharsets.UTF_8);
      return Optional.of(new SortKey(millis, id));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] tag(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Arrays.copyOf(mac.doFinal(payload), TAG_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
