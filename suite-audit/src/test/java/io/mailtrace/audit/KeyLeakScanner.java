package io.mailtrace.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scans the test output of a build for private-key material in clear: (a) a PEM private-key
 * block (a {@code BEGIN ... PRIVATE KEY} marker followed by a base64 body — a bare marker, as in
 * an error message naming the expected format, is not key material), and (b) any fingerprint
 * recorded by {@code KeyMaterialRegistry} (40-character slices of the base64 PKCS#8 encodings of
 * every key the tests generated or loaded).
 *
 * <p>Scanned: every file under each module's {@code target/} and the root {@code target/} —
 * surefire/failsafe reports with captured stdout/stderr, {@code *.log}, test output, whatever
 * Elasticsearch node directories remain — except build products that legitimately hold key
 * markers or are not test output: {@code classes/}, {@code test-classes/}, generated sources,
 * jars, the Elasticsearch distribution, the registry itself and the auditor's own module.
 */
final class KeyLeakScanner {
  static final Pattern PEM_MARKER = Pattern.compile("-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----");
  /** Line breaks as they appear raw, JSON-escaped or XML-escaped in reports. */
  private static final Pattern SEPARATORS = Pattern.compile("(\\s|\\\\r|\\\\n|&#1[03];|&#x[aAdD];)+");
  private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{40,}");
  private static final Set<String> SKIPPED_DIRS = Set.of("classes", "test-classes", "generated-sources",
      "generated-test-sources", "maven-status", "maven-archiver", "es-dist", "dist", "key-registry", "surefire",
      "node_modules");
  private static final long MAX_FILE_BYTES = 512L << 20;

  /** One finding: which file, what kind, where. Never carries the key material itself. */
  record Leak(Path file, String kind, long offset) {
    @Override
    public String toString() {
      return kind + " in " + file + " at offset " + offset;
    }
  }

  /** What a scan looked at and found. */
  record Result(int filesScanned, int reportFiles, int keyFiles, List<Leak> leaks, List<String> notes) {}

  /** Key files by name: PEM and .key files are where keys are meant to be. */
  static boolean isKeyFile(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".pem") || n.endsWith(".key");
  }

  private final Set<String> fingerprints;
  private final int sliceLength;

  KeyLeakScanner(Set<String> fingerprints) {
    this.fingerprints = fingerprints;
    this.sliceLength = fingerprints.isEmpty() ? 40 : fingerprints.iterator().next().length();
  }

  /** Scans {@code roots} (each a {@code target/} directory); {@code exclude} is skipped entirely. */
  Result scan(List<Path> roots, Path exclude) throws IOException {
    List<Leak> leaks = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int[] counts = new int[3];
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (exclude != null && dir.toAbsolutePath().normalize().equals(exclude.toAbsolutePath().normalize())) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          return !dir.equals(root) && SKIPPED_DIRS.contains(dir.getFileName().toString())
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String name = file.getFileName().toString();
          if (!attrs.isRegularFile() || name.endsWith(".jar") || name.endsWith(".class") || name.endsWith(".zip")) {
            return FileVisitResult.CONTINUE;
          }
          if (isKeyFile(name)) {
            // A key file a test wrote for the service to load (dev secrets, a rig's shared key):
            // holding the key is its job. Leaks are looked for everywhere else.
            counts[2]++;
            return FileVisitResult.CONTINUE;
          }
          if (attrs.size() > MAX_FILE_BYTES) {
            notes.add("skipped (larger than " + (MAX_FILE_BYTES >> 20) + " MiB): " + file);
            return FileVisitResult.CONTINUE;
          }
          String parent = file.getParent().getFileName().toString();
          if (parent.endsWith("-reports")) {
            counts[1]++;
          }
          counts[0]++;
          leaks.addAll(scanText(file, Files.readAllBytes(file)));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          notes.add("unreadable: " + file + " (" + e.getMessage() + ")"); // e.g. deleted by a node shutting down
          return FileVisitResult.CONTINUE;
        }
      });
    }
    return new Result(counts[0], counts[1], counts[2], leaks, notes);
  }

  /** Leaks in one file's bytes (read as ISO-8859-1: one char per byte, binary files included). */
  List<Leak> scanText(Path file, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    List<Leak> out = new ArrayList<>();
    Matcher m = PEM_MARKER.matcher(text);
    while (m.find()) {
      String after = text.substring(m.end(), Math.min(text.length(), m.end() + 400));
      Matcher sep = SEPARATORS.matcher(after);
      String body = sep.lookingAt() ? after.substring(sep.end()) : after;
      if (BASE64_RUN.matcher(body).lookingAt()) {
        out.add(new Leak(file, "PEM private key block", m.start()));
      }
    }
    if (!fingerprints.isEmpty()) {
      Matcher run = BASE64_RUN.matcher(text);
      while (run.find()) {
        for (int i = run.start(); i + sliceLength <= run.end(); i++) {
          if (fingerprints.contains(text.substring(i, i + sliceLength))) {
            out.add(new Leak(file, "fingerprint of a test private key", i));
            break;
          }
        }
      }
    }
    return out;
  }
}
