package io.mailtrace.signer.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts private keys at rest: AES-256-GCM, a random 96-bit nonce per encryption, and the
 * domain + selector as associated data (a ciphertext copied to another key's document does not
 * decrypt). Thread-safe; a new Cipher per call.
 */
public final class KeyEncryption {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  private KeyEncryption(byte[] master) {
    if (master.length != 32) {
      throw new IllegalArgumentException("master key must be 32 bytes, got " + master.length);
    }
    this.key = new SecretKeySpec(master, "AES");
  }

  /** A ciphertext and the nonce it was made with, both base64. */
  public record Sealed(String nonce, String ciphertext) {
    @Override
    public String toString() {
      return "Sealed[aes-256-gcm]";
    }
  }

  public static KeyEncryption of(byte[] master) {
    return new KeyEncryption(master.clone());
  }

  /** Reads the master key file: 32 raw bytes, or their base64 (44 chars, whitespace ignored). */
  public static KeyEncryption fromFile(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    if (raw.length == 32) {
      return new KeyEncryption(raw);
    }
    String text = new String(raw, StandardCharsets.US_ASCII).strip();
    try {
      return new KeyEncryption(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      throw new IOException("master key file " + file + " holds neither 32 bytes nor their base64");
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** Creates a new random master key file (base64) readable by its owner only (mode 0600). */
  public static void createKeyFile(Path file) throws IOException {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, (Base64.getEncoder().encodeToString(k) + "\n").getBytes(StandardCharsets.US_ASCII));
    Arrays.fill(k, (byte) 0);
  }

  public Sealed encrypt(String domain, String selector, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(domain, selector));
      byte[] ct = c.doFinal(plaintext);
      return new Sealed(Base64.getEncoder().encodeToString(nonce), Base64.getEncoder().encodeToString(ct));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** @throws GeneralSecurityException when the key, nonce, data or AAD do not match */
  public byte[] decrypt(String domain, String selector, Sealed sealed) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key,
        new GCMParameterSpec(TAG_BITS, Base64.getDecoder().decode(sealed.nonce())));
    c.updateAAD(aad(domain, selector));
    return c.doFinal(Base64.getDecoder().decode(sealed.ciphertext()));
  }

  private static byte[] aad(String domain, String selector) {
    return ("mailtrace-dkim:" + domain + "/" + selector).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "KeyEncryption[aes-256-gcm]";
  }
}
