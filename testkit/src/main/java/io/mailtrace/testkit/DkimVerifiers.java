package io.mailtrace.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;

/**
 * Independent DKIM verifiers for tests: dkimpy (Debian {@code python3-dkim}), OpenDKIM (the
 * {@code opendkim} filter in test mode, {@code -t}) and Apache jDKIM 0.3. Each verifies every
 * DKIM-Signature of every message and reports one {@link SignatureResult} per signature, so tests
 * can assert that both the custom and the shared signature verify.
 *
 * <p>Keys come from a map {@code "<selector>._domainkey.<domain>" -> TXT value}; no DNS query
 * leaves the machine ({@link #dkimpyViaDns} asks a DNS server at 127.0.0.1 only). Messages are
 * verified in batches: one python / opendkim process per call, whatever the number of messages.
 *
 * <p>Why not {@code opendkim-testmsg}: it verifies through the system resolver only (it has no
 * {@code TestPublicKeys} and no config file; its {@code -C} means "keep CRLF when signing") and
 * reports one status for the whole message, so the filter's test mode is used instead; it reads
 * {@code TestPublicKeys} from a config file ({@code -x}) and prints an Authentication-Results
 * field with one result per signature.
 *
 * <p>Known verifier gaps, reported as {@link Outcome#NOT_CHECKED} with the reason rather than as
 * failures, and only in these exact cases: jDKIM 0.3 hashes an empty (or whitespace-only) body as
 * CRLF under relaxed body canonicalization (RFC 6376 §3.4.4 says the empty string; dkimpy and
 * OpenDKIM follow the RFC); jDKIM reads header fields as text through mime4j, so raw non-UTF-8
 * bytes in a signed field change before hashing; jDKIM has no Ed25519 (RFC 8463); OpenDKIM's test
 * mode cuts lines at NUL bytes (a signature made by dkimpy fails the same way).
 */
public final class DkimVerifiers {
  private static final String PYTHON = "/usr/bin/python3";
  private static final String OPENDKIM = "/usr/sbin/opendkim";
  private static final long TIMEOUT_SECONDS = 300;

  private DkimVerifiers() {}

  /** Which verifier produced a result. */
  public enum Verifier {
    DKIMPY,
    OPENDKIM,
    JDKIM
  }

  /** A signature's verdict. */
  public enum Outcome {
    PASS,
    FAIL,
    /** The verifier cannot judge this signature (a documented limitation; see the detail). */
    NOT_CHECKED
  }

  /**
   * @param domain the {@code d=} of the signature
   * @param selector the {@code s=}
   * @param algorithm the {@code a=}
   * @param detail why it failed or was not checked; empty on PASS
   */
  public record SignatureResult(
      String domain, String selector, String algorithm, Outcome outcome, String detail) {
    public boolean passed() {
      return outcome == Outcome.PASS;
    }

    @Override
    public String toString() {
      return "d=" + domain + " s=" + selector + " " + outcome + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  /**
   * One verifier's verdict on one message.
   *
   * @param signatures one result per DKIM-Signature, top to bottom
   * @param error set when the verifier could not process the message at all
   */
  public record Verification(Verifier verifier, List<SignatureResult> signatures, String error) {
    public Verification {
      signatures = List.copyOf(signatures);
    }

    /** The result of the signature with this (d, s), if the message has one. */
    public Optional<SignatureResult> signature(String domain, String selector) {
      return signatures.stream()
          .filter(s -> s.domain().equalsIgnoreCase(domain) && s.selector().equalsIgnoreCase(selector))
          .findFirst();
    }

    /** The outcome for (d, s); FAIL when the verifier saw no such signature. */
    public Outcome outcome(String domain, String selector) {
      return error != null
          ? Outcome.FAIL
          : signature(domain, selector).map(SignatureResult::outcome).orElse(Outcome.FAIL);
    }

    @Override
    public String toString() {
      return verifier + (error != null ? " ERROR " + error : " " + signatures);
    }
  }

  /** The DNS name of a key record: {@code <selector>._domainkey.<domain>}. */
  public static String keyName(String selector, String domain) {
    return selector + "._domainkey." + domain;
  }

  /** All three verifiers on the same messages. */
  public static Map<Verifier, List<Verification>> all(List<byte[]> messages, Map<String, String> keys) {
    Map<Verifier, List<Verification>> out = new LinkedHashMap<>();
    out.put(Verifier.DKIMPY, dkimpy(messages, keys));
    out.put(Verifier.OPENDKIM, opendkim(messages, keys));
    out.put(Verifier.JDKIM, jdkim(messages, keys));
    return out;
  }

  // ---------------------------------------------------------------- dkimpy

  /** dkimpy with the given key records (its {@code dnsfunc}; no DNS). */
  public static List<Verification> dkimpy(List<byte[]> messages, Map<String, String> keys) {
    try (TempDir dir = new TempDir()) {
      Path keyFile = dir.path.resolve("keys.tsv");
      StringBuilder sb = new StringBuilder();
      keys.forEach((name, txt) -> sb.append(name).append('\t').append(txt).append('\n'));
      Files.writeString(keyFile, sb, StandardCharsets.UTF_8);
      return runDkimpy(dir, messages, List.of(keyFile.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Verification dkimpy(byte[] message, Map<String, String> keys) {
    return dkimpy(List.of(message), keys).get(0);
  }

  /**
   * dkimpy resolving key records through a real DNS server at 127.0.0.1:{@code port} (dnspython,
   * UDP with TCP fallback), e.g. a test BIND.
   */
  public static List<Verification> dkimpyViaDns(List<byte[]> messages, int port) {
    try (TempDir dir = new TempDir()) {
      return runDkimpy(dir, messages, List.of("--dns-port", String.valueOf(port)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Verification> runDkimpy(TempDir dir, List<byte[]> messages, List<String> args)
      throws IOException {
    Path script = dir.path.resolve("dkimpy_verify.py");
    try (InputStream in = DkimVerifiers.class.getResourceAsStream("dkimpy_verify.py")) {
      Files.write(script, in.readAllBytes());
    }
    List<Path> files = writeMessages(dir, messages);
    List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
    cmd.addAll(args);
    StringBuilder stdin = new StringBuilder();
    files.forEach(f -> stdin.append(f).append('\n'));
    String out = run(cmd, stdin.toString(), "dkimpy");
    List<List<SignatureResult>> sigs = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      sigs.add(new ArrayList<>());
      errors.add(null);
    }
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      int n = Integer.parseInt(f[0]);
      if (f[1].equals("ERROR")) {
        errors.set(n, f[2]);
      } else {
        sigs.get(n)
            .add(new SignatureResult(f[2], f[3], f[4], f[5].equals("PASS") ? Outcome.PASS : Outcome.FAIL, f[6]));
      }
    }
    List<Verification> result = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      result.add(new Verification(Verifier.DKIMPY, sigs.get(i), errors.get(i)));
    }
    return result;
  }

  // ---------------------------------------------------------------- OpenDKIM

  private static final Pattern AR_HEADER =
      Pattern.compile("### INSHEADER: idx=\\d+ hname='Authentication-Results' hvalue='([^']*)'");
  private static final Pattern AR_DKIM = Pattern.compile("dkim=(\\w+)([^;]*)");
  private static final Pattern REASON = Pattern.compile("reason=\"([^\"]*)\"");

  /** OpenDKIM's filter in test mode ({@code opendkim -t}) with a {@code TestPublicKeys} file. */
  public static List<Verification> opendkim(List<byte[]> messages, Map<String, String> keys) {
    try (TempDir dir = new TempDir()) {
      Path keyFile = dir.path.resolve("test-public-keys");
      StringBuilder sb = new StringBuilder();
      keys.forEach((name, txt) -> sb.append(name).append(' ').append(txt).append('\n'));
      Files.writeString(keyFile, sb, StandardCharsets.UTF_8);
      Path conf = dir.path.resolve("opendkim.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "Mode v",
              "Syslog no",
              "TestPublicKeys " + keyFile,
              "MinimumKeyBits 1024",
              "MaximumSignaturesToVerify 20",
              "AlwaysAddARHeader yes",
              "AuthservID mailtrace-test",
              ""));
      // Its test mode ignores a message whose last line lacks a line ending ("message not
      // signed"); both canonicalizations add that CRLF anyway, so adding it changes no hash.
      List<byte[]> terminated = new ArrayList<>();
      for (byte[] m : messages) {
        boolean crlf = m.length >= 2 && m[m.length - 2] == '\r' && m[m.length - 1] == '\n';
        terminated.add(crlf || m.length == 0 ? m : concat(m, new byte[] {'\r', '\n'}));
      }
      List<Path> files = writeMessages(dir, terminated);
      List<Verification> result = new ArrayList<>();
      for (int from = 0; from < files.size(); from += 100) { // bounded command lines
        List<Path> batch = files.subList(from, Math.min(files.size(), from + 100));
        List<String> ar = opendkimRun(conf, batch);
        if (ar.size() == batch.size()) {
          for (int i = 0; i < ar.size(); i++) {
            result.add(nulGap(parseAuthenticationResults(ar.get(i)), messages.get(from + i)));
          }
          continue;
        }
        // Some message produced no Authentication-Results: fall back to one run per message to
        // know which (each run takes about 0.1 s).
        for (int i = 0; i < batch.size(); i++) {
          List<String> one = opendkimRun(conf, List.of(batch.get(i)));
          result.add(
              nulGap(
                  one.size() == 1
                      ? parseAuthenticationResults(one.get(0))
                      : new Verification(Verifier.OPENDKIM, List.of(), "opendkim gave no verdict for this message"),
                  messages.get(from + i)));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * OpenDKIM's test mode reads the message as C strings, so a NUL byte cuts its line and any
   * signature over it fails (a dkimpy-made one too): such failures are NOT_CHECKED, not FAIL.
   */
  private static Verification nulGap(Verification v, byte[] message) {
    boolean nul = false;
    for (byte b : message) {
      if (b == 0) {
        nul = true;
        break;
      }
    }
    if (!nul) {
      return v;
    }
    if (v.error() != null || v.signatures().isEmpty()) { // the cut line may hide the whole message
      List<SignatureResult> all = new ArrayList<>();
      for (Map<String, String> tags : signatureTags(message)) {
        all.add(new SignatureResult(tags.getOrDefault("d", "?"), tags.getOrDefault("s", "?"),
            tags.getOrDefault("a", "?"), Outcome.NOT_CHECKED,
            "OpenDKIM test mode truncates lines at NUL bytes (" + v.error() + ")"));
      }
      return new Verification(v.verifier(), all, null);
    }
    List<SignatureResult> sigs = new ArrayList<>();
    for (SignatureResult r : v.signatures()) {
      sigs.add(r.outcome() == Outcome.FAIL
          ? new SignatureResult(r.domain(), r.selector(), r.algorithm(), Outcome.NOT_CHECKED,
              "OpenDKIM test mode truncates lines at NUL bytes (" + r.detail() + ")")
          : r);
    }
    return new Verification(v.verifier(), sigs, v.error());
  }

  private static List<String> opendkimRun(Path conf, List<Path> files) throws IOException {
    List<String> cmd = List.of(OPENDKIM, "-x", conf.toString(), "-vv", "-t",
        String.join(",", files.stream().map(Path::toString).toList()));
    String out = run(cmd, "", "opendkim");
    List<String> ar = new ArrayList<>();
    Matcher m = AR_HEADER.matcher(out);
    while (m.find()) {
      ar.add(m.group(1));
    }
    return ar;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Verification parseAuthenticationResults(String value) {
    List<SignatureResult> sigs = new ArrayList<>();
    String error = null;
    Matcher m = AR_DKIM.matcher(value);
    while (m.find()) {
      String result = m.group(1).toLowerCase(Locale.ROOT);
      String rest = m.group(2);
      String d = prop(rest, "header.d");
      String s = prop(rest, "header.s");
      String a = prop(rest, "header.a");
      if (d == null || s == null) {
        if (!result.equals("none")) {
          error = ("dkim=" + result + rest).strip(); // e.g. permerror (bad message/signature format)
        }
        continue;
      }
      Matcher r = REASON.matcher(rest);
      String detail = result.equals("pass") ? "" : (r.find() ? r.group(1) : "dkim=" + result);
      sigs.add(new SignatureResult(d, s, a == null ? "?" : a, result.equals("pass") ? Outcome.PASS : Outcome.FAIL, detail));
    }
    return new Verification(Verifier.OPENDKIM, sigs, sigs.isEmpty() ? error : null);
  }

  private static String prop(String text, String name) {
    Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(name) + "=(\\S+)").matcher(text);
    return m.find() ? m.group(1) : null;
  }

  // ---------------------------------------------------------------- jDKIM

  /** Apache jDKIM 0.3, in process, keys from the map (a {@link PublicKeyRecordRetriever}). */
  public static List<Verification> jdkim(List<byte[]> messages, Map<String, String> keys) {
    PublicKeyRecordRetriever retriever =
        (method, selector, token) -> {
          String txt = keys.get(keyName(selector.toString(), token.toString()));
          if (txt == null) {
            throw new PermFailException("no key for " + keyName(selector.toString(), token.toString()));
          }
          return List.of(txt);
        };
    List<Verification> out = new ArrayList<>();
    for (byte[] message : messages) {
      out.add(jdkim(message, retriever));
    }
    return out;
  }

  private static Verification jdkim(byte[] message, PublicKeyRecordRetriever retriever) {
    List<Map<String, String>> present = signatureTags(message);
    List<SignatureRecord> passed = List.of();
    String failure = null;
    try {
      List<SignatureRecord> r = new DKIMVerifier(retriever).verify(new ByteArrayInputStream(message));
      passed = r == null ? List.of() : r;
    } catch (FailException | IOException | RuntimeException e) {
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    boolean emptyRelaxedBody = relaxedBodyIsEmpty(message);
    List<SignatureResult> sigs = new ArrayList<>();
    for (Map<String, String> tags : present) {
      String d = tags.getOrDefault("d", "?");
      String s = tags.getOrDefault("s", "?");
      String a = tags.getOrDefault("a", "?");
      String c = tags.getOrDefault("c", "simple/simple");
      boolean pass =
          passed.stream()
              .anyMatch(p -> p.getDToken().toString().equalsIgnoreCase(d) && p.getSelector().toString().equalsIgnoreCase(s));
      if (pass) {
        sigs.add(new SignatureResult(d, s, a, Outcome.PASS, ""));
      } else if (a.startsWith("ed25519")) {
        sigs.add(new SignatureResult(d, s, a, Outcome.NOT_CHECKED, "jDKIM 0.3 has no Ed25519 (RFC 8463)"));
      } else if (signedHeadersHaveNonUtf8(message, tags.getOrDefault("h", ""))) {
        sigs.add(new SignatureResult(d, s, a, Outcome.NOT_CHECKED,
            "jDKIM 0.3 reads header fields as text through mime4j: raw non-UTF-8 bytes in a signed field are altered before hashing"));
      } else if (emptyRelaxedBody && c.endsWith("/relaxed")) {
        sigs.add(new SignatureResult(d, s, a, Outcome.NOT_CHECKED,
            "jDKIM 0.3 hashes an empty body as CRLF under relaxed canonicalization (RFC 6376 3.4.4: empty)"));
      } else {
        sigs.add(new SignatureResult(d, s, a, Outcome.FAIL,
            failure != null ? failure : "not among the signatures jDKIM verified"));
      }
    }
    return new Verification(Verifier.JDKIM, sigs, null);
  }

  /** The DKIM-Signature tag lists of a message, top to bottom (a lenient reading for reports). */
  static List<Map<String, String>> signatureTags(byte[] message) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String field : headerFields(message)) {
      int colon = field.indexOf(':');
      if (colon > 0 && field.substring(0, colon).trim().equalsIgnoreCase("DKIM-Signature")) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : field.substring(colon + 1).split(";")) {
          int eq = part.indexOf('=');
          if (eq > 0) {
            tags.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).replaceAll("\\s+", ""));
          }
        }
        out.add(tags);
      }
    }
    return out;
  }

  /** True when a header field named in {@code h} holds bytes that are not valid UTF-8. */
  static boolean signedHeadersHaveNonUtf8(byte[] message, String h) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (String n : h.split(":")) {
      names.add(n.strip().toLowerCase(Locale.ROOT));
    }
    for (String field : headerFields(message)) {
      int colon = field.indexOf(':');
      if (colon > 0 && names.contains(field.substring(0, colon).strip().toLowerCase(Locale.ROOT))) {
        byte[] raw = field.getBytes(StandardCharsets.ISO_8859_1);
        try {
          StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw));
        } catch (java.nio.charset.CharacterCodingException e) {
          return true;
        }
      }
    }
    return false;
  }

  /** The raw header fields (ISO-8859-1 so bytes map 1:1 to chars), unfolded lines kept. */
  private static List<String> headerFields(byte[] message) {
    String text = new String(message, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end + 2);
    return List.of(head.split("\r\n(?![ \t])"));
  }

  /** True when the relaxed canonical body is empty: only spaces, tabs and line breaks. */
  static boolean relaxedBodyIsEmpty(byte[] message) {
    int start = -1;
    for (int i = 0; i + 3 < message.length; i++) {
      if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
        start = i + 4;
        break;
      }
    }
    if (start < 0) {
      return true;
    }
    for (int i = start; i < message.length; i++) {
      byte b = message[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- plumbing

  private static List<Path> writeMessages(TempDir dir, List<byte[]> messages) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      Path f = dir.path.resolve(String.format("m%05d.eml", i));
      Files.write(f, messages.get(i));
      files.add(f);
    }
    return files;
  }

  private static String run(List<String> cmd, String stdin, String what) throws IOException {
    Path exe = Path.of(cmd.get(0));
    if (!Files.isExecutable(exe)) {
      throw new IllegalStateException(
          exe + " is missing: run scripts/install-test-deps (needs " + what + ")");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    Path errFile = Files.createTempFile("verifier", ".err");
    try {
      // stderr drained to a file so a chatty verifier never blocks on a full pipe
      Thread drain = new Thread(() -> {
        try (InputStream err = p.getErrorStream()) {
          Files.copy(err, errFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
          // the exit status tells
        }
      }, what + "-stderr");
      drain.setDaemon(true);
      drain.start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      drain.join(10_000);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            what + " exited " + p.exitValue() + ": " + Files.readString(errFile, StandardCharsets.ISO_8859_1));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException(what + " interrupted", e);
    } finally {
      Files.deleteIfExists(errFile);
    }
  }

  /** A temporary directory removed with its content. */
  private static final class TempDir implements AutoCloseable {
    final Path path;

    TempDir() throws IOException {
      path = Files.createTempDirectory("mailtrace-dkim-verify");
    }

    @Override
    public void close() throws IOException {
      try (Stream<Path> s = Files.walk(path)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
