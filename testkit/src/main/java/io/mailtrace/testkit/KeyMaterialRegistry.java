package io.mailtrace.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers every private key the tests generate or load, as a few fingerprints, so that the
 * last module of the build ({@code suite-audit}) can prove that none of them leaked into a log,
 * a test report or an API answer captured under {@code target/}. Test code only: production code
 * never calls this.
 *
 * <p>A fingerprint is a 40-character slice of the standard base64 of the key's PKCS#8 encoding,
 * taken from its second half (past the algorithm header and, for RSA, the public modulus) and
 * lying within one line of both 64- and 76-column wrapping, so it matches a leaked PEM body as
 * well as unwrapped base64. Written to {@code <repo>/target/key-registry/} (system property
 * {@code mailtrace.keyRegistry.dir}, set by the parent pom); without that property nothing is
 * written. Thread-safe; one small file per key, named by its SHA-256, so concurrent test JVMs
 * never share a file.
 */
public final class KeyMaterialRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(KeyMaterialRegistry.class);
  public static final String DIR_PROPERTY = "mailtrace.keyRegistry.dir";
  static final int SLICE = 40;
  private static final int SLICES = 3;

  private KeyMaterialRegistry() {}

  /** Records the key's fingerprints; returns the key for fluent use. Never fails the test. */
  public static <K extends PrivateKey> K remember(K key) {
    if (key != null && key.getEncoded() != null) {
      rememberPkcs8(key.getEncoded());
    }
    return key;
  }

  /** Records the fingerprints of one PKCS#8 DER encoding. */
  public static void rememberPkcs8(byte[] der) {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      return;
    }
    List<String> slices = fingerprints(der);
    if (slices.isEmpty()) {
      return;
    }
    try {
      Path d = Files.createDirectories(Path.of(dir));
      String name = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der), 0, 12) + ".fp";
      Path target = d.resolve(name);
      if (Files.exists(target)) {
        return;
      }
      Path tmp = Files.createTempFile(d, name, ".tmp");
      Files.writeString(tmp, String.join("\n", slices) + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | NoSuchAlgorithmException e) {
      LOG.warn("key registry: could not record a key fingerprint in {}: {}", dir, e.toString());
    }
  }

  /** Records the key of a PEM text holding one PKCS#8 ({@code BEGIN PRIVATE KEY}) block. */
  public static void rememberPem(String pem) {
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      return;
    }
    String body = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    try {
      rememberPkcs8(Base64.getDecoder().decode(body));
    } catch (IllegalArgumentException e) {
      LOG.warn("key registry: PEM body is not base64: {}", e.getMessage());
    }
  }

  /** The fingerprints of one PKCS#8 encoding (empty when it is too short to slice). */
  public static List<String> fingerprints(byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    int len = b64.length();
    List<Integer> starts = new ArrayList<>();
    for (int s = len / 2; s + SLICE <= len; s++) {
      if (oneLine(s, 64) && oneLine(s, 76)) {
        starts.add(s);
      }
    }
    if (starts.isEmpty() && len >= SLICE) {
      starts.add(len - SLICE); // short keys (Ed25519: 64 chars): the tail is the secret seed
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < SLICES && !starts.isEmpty(); i++) {
      int s = starts.get((int) ((long) i * (starts.size() - 1) / Math.max(1, SLICES - 1)));
      String slice = b64.substring(s, s + SLICE);
      if (!out.contains(slice)) {
        out.add(slice);
      }
    }
    return out;
  }

  private static boolean oneLine(int start, int width) {
    return start / width == (start + SLICE - 1) / width;
  }

  /** Every fingerprint recorded under {@code dir} (empty when there is none). */
  public static Set<String> load(Path dir) throws IOException {
    Set<String> out = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".fp")).toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
          if (line.length() == SLICE) {
            out.add(line);
          }
        }
      }
    }
    return out;
  }
}
