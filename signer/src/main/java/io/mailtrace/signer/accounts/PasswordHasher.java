package io.mailtrace.signer.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt b64>$<hash b64>} (unpadded base64),
 * readable by other Argon2 implementations. CPU- and memory-heavy: call from a worker thread.
 */
public final class PasswordHasher {
  private static final Pattern PHC =
      Pattern.compile("\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;
  private final SecureRandom random = new SecureRandom();

  /** OWASP's minimum recommendation for Argon2id: 19 MiB, 2 iterations, 1 lane. */
  public static PasswordHasher defaults() {
    return new PasswordHasher(19 * 1024, 2, 1);
  }

  public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  public String hash(char[] password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] out = derive(password, salt, memoryKiB, iterations, parallelism, 32);
    return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$"
        + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** Constant-time comparison against a PHC string; false for malformed strings. */
  public boolean verify(char[] password, String phc) {
    var m = PHC.matcher(phc == null ? "" : phc);
    if (!m.matches()) {
      return false;
    }
    int mem = Integer.parseInt(m.group(1));
    int t = Integer.parseInt(m.group(2));
    int p = Integer.parseInt(m.group(3));
    if (mem < 8 * p || t < 1 || p < 1 || mem > 4 * 1024 * 1024) {
      return false;
    }
    byte[] salt = B64D.decode(m.group(4));
    byte[] expected = B64D.decode(m.group(5));
    byte[] actual = derive(password, salt, mem, t, p, expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(char[] password, byte[] salt, int mem, int t, int p, int len) {
    var params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(mem)
        .withIterations(t)
        .withParallelism(p)
        .withSalt(salt)
        .build();
    var gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[len];
    byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
    gen.generateBytes(pw, out);
    java.util.Arrays.fill(pw, (byte) 0);
    return out;
  }
}
