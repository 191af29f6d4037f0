package io.mailtrace.signer.dkim;

import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.signer.message.HeaderField;
import io.mailtrace.signer.message.HeaderSection;
import io.mailtrace.signer.message.MalformedMessageException;
import io.mailtrace.signer.message.MessageSummary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The DKIM signer itself, synchronous and free of Vert.x (tests, fuzzing and benchmarks call it
 * directly; {@link DkimMessageSigner} runs it on a worker pool). RFC 6376 with relaxed/relaxed
 * canonicalization, rsa-sha256 (and ed25519-sha256, RFC 8463, for Ed25519 keys), {@code t=}, no
 * {@code l=}. The body is canonicalized and hashed once for all keys. Thread-safe and stateless
 * apart from the clock.
 */
public final class DkimSignerCore {

  /** Header fields signed when present, in {@code h=} order (From is over-signed once more). */
  public static final List<String> SIGNED_HEADERS =
      List.of(
          "From",
          "To",
          "Cc",
          "Subject",
          "Date",
          "Message-ID",
          "Reply-To",
          "In-Reply-To",
          "References",
          "MIME-Version",
          "Content-Type",
          "Content-Transfer-Encoding",
          "List-Unsubscribe",
          "List-Unsubscribe-Post");

  public static final String CANONICALIZATION = "relaxed/relaxed";
  static final String FIELD_NAME = "DKIM-Signature";
  private static final int LINE_WIDTH = 76;
  private static final byte[] CRLF = {'\r', '\n'};

  private final Clock clock;

  public DkimSignerCore() {
    this(Clock.systemUTC());
  }

  /** @param clock gives {@code t=} */
  public DkimSignerCore(Clock clock) {
    this.clock = clock;
  }

  /**
   * Signs {@code message} with each key not already present, see {@link MessageSigner#sign}.
   *
   * @throws DkimSigningException permanent for a message that cannot be signed (framing, no or
   *     several From fields, bare CR/LF); temporary for an unusable key or a crypto failure
   */
  public SignedMessage sign(byte[] message, List<SigningKey> keys) {
    return sign(message, parse(message), keys);
  }

  /**
   * As {@link #sign(byte[], List)}, with the header section already split and checked by
   * {@link #parse} (or the equivalent checks of {@code MessageSummary.of}).
   *
   * @throws DkimSigningException (permanent) when {@code headers} does not have exactly one From
   */
  public SignedMessage sign(byte[] message, HeaderSection headers, List<SigningKey> keys) {
    if (headers.count("From") != 1) {
      throw new DkimSigningException("the message must have exactly one From header field", true);
    }
    Set<String> present = existingSignatures(headers);
    List<SigningKey> apply = new ArrayList<>(keys.size());
    List<SigningKey> skipped = new ArrayList<>();
    for (SigningKey key : keys) {
      if (present.add(DkimTags.key(key.domain(), key.selector()))) {
        apply.add(key);
      } else {
        skipped.add(key); // this (d, s) already signed: never sign twice
      }
    }
    if (apply.isEmpty()) {
      return new SignedMessage(message, List.of(), skipped);
    }
    byte[] bodyHash = bodyHash(message, headers);
    List<String> h = signedHeaderNames(headers);
    SignatureSpec spec = SignatureSpec.standard(clock.instant().getEpochSecond(), h);
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 600 * apply.size());
    List<DkimSignatureInfo> applied = new ArrayList<>(apply.size());
    for (SigningKey key : apply) {
      DkimAlgorithm algorithm = algorithm(key);
      out.writeBytes(signatureField(headers, bodyHash, key, algorithm, spec).getBytes(StandardCharsets.US_ASCII));
      applied.add(
          new DkimSignatureInfo(
              key.domain(), key.selector(), key.kind(), algorithm.tag(), CANONICALIZATION, h));
    }
    out.writeBytes(message);
    return new SignedMessage(out.toByteArray(), applied, skipped);
  }

  /**
   * Splits the header section and checks what signing needs: exactly one From field, naming at
   * least one address with a domain.
   *
   * @throws DkimSigningException (permanent) with the precise reason otherwise
   */
  public static HeaderSection parse(byte[] message) {
    HeaderSection headers;
    try {
      headers = HeaderSection.parse(message);
    } catch (MalformedMessageException e) {
      throw new DkimSigningException(e.getMessage(), true, e);
    }
    int froms = headers.count("From");
    if (froms == 0) {
      throw new DkimSigningException("the message has no From header field", true);
    }
    if (froms > 1) {
      throw new DkimSigningException(
          "the message has " + froms + " From header fields; exactly one is allowed", true);
    }
    try {
      // a From without a usable address makes verifiers (OpenDKIM: permerror) reject the signature
      MessageSummary.fromAddresses(headers.first("From").orElseThrow());
    } catch (MalformedMessageException e) {
      throw new DkimSigningException(e.getMessage(), true, e);
    }
    return headers;
  }

  /** SHA-256 of the relaxed canonical body: the {@code bh=} of every signature of this message. */
  public static byte[] bodyHash(byte[] message, HeaderSection headers) {
    MessageDigest sha256 = sha256();
    try {
      Canonicalization.relaxedBody(
          message, headers.bodyOffset(), message.length, Canonicalization.ByteSink.of(sha256));
    } catch (MalformedMessageException e) {
      throw new DkimSigningException(e.getMessage(), true, e);
    }
    return sha256.digest();
  }

  /**
   * The {@code h=} list for a message: each configured field present, once per instance (so all
   * instances are signed), and From once more than it occurs, so that no From can be added later.
   */
  public static List<String> signedHeaderNames(HeaderSection headers) {
    List<String> h = new ArrayList<>();
    for (String name : SIGNED_HEADERS) {
      int n = headers.count(name);
      String lower = name.toLowerCase(Locale.ROOT);
      for (int i = 0; i < n; i++) {
        h.add(lower);
      }
    }
    h.add("from"); // over-signing: the extra, absent instance stops a second From being added
    return h;
  }

  /** Lower-case (d, s) keys of the DKIM-Signature fields already in the message. */
  static Set<String> existingSignatures(HeaderSection headers) {
    Set<String> keys = new HashSet<>();
    for (HeaderField f : headers.all(FIELD_NAME)) {
      String k = DkimTags.domainSelectorKey(f.value());
      if (k != null) {
        keys.add(k);
      }
    }
    return keys;
  }

  /**
   * One complete DKIM-Signature field, folded, ending in CRLF, ready to be put on top of the
   * message.
   */
  public static String signatureField(
      HeaderSection headers, byte[] bodyHash, SigningKey key, SignatureSpec spec) {
    return signatureField(headers, bodyHash, key, algorithm(key), spec);
  }

  private static String signatureField(
      HeaderSection headers,
      byte[] bodyHash,
      SigningKey key,
      DkimAlgorithm algorithm,
      SignatureSpec spec) {
    Folder f = new Folder(FIELD_NAME + ":");
    f.add("v=1;", true);
    f.add("a=" + algorithm.tag() + ";", true);
    f.add("c=" + CANONICALIZATION + ";", true);
    f.add("d=" + key.domain() + ";", true);
    if (spec.identity() != null) {
      f.add("i=" + spec.identity() + ";", true);
    }
    if (spec.queryMethod()) {
      f.add("q=dns/txt;", true);
    }
    f.add("s=" + key.selector() + ";", true);
    if (spec.timestamp() != null) {
      f.add("t=" + spec.timestamp() + ";", true);
    }
    // h= may be folded after a separator: FWS is allowed around ':' (§3.5 sig-h-tag).
    boolean spaced = spec.headerSeparator().startsWith(" ");
    String sepTail = spaced ? " :" : ":";
    List<String> names = spec.headers();
    for (int i = 0; i < names.size(); i++) {
      boolean last = i == names.size() - 1;
      String token = (i == 0 ? "h=" : "") + names.get(i) + (last ? ";" : sepTail);
      f.add(token, i == 0 || spaced);
    }
    f.add("bh=" + Base64.getEncoder().encodeToString(bodyHash) + ";", true);
    f.add("b=", true);
    String unsigned = f.text();

    byte[] input = headerSigningInput(headers, spec.headers(), unsigned);
    String b = Base64.getEncoder().encodeToString(signBytes(key, algorithm, input));
    f.addUnbreakable(b);
    return f.text() + "\r\n";
  }

  /**
   * The header hash input (§3.7): the selected header fields, relaxed, each followed by CRLF, then
   * the DKIM-Signature field itself with an empty {@code b=}, relaxed, without a final CRLF. Field
   * instances are taken bottom-up (§5.4.2); a name with no instance left contributes nothing.
   */
  static byte[] headerSigningInput(HeaderSection headers, List<String> names, String unsignedField) {
    ByteArrayOutputStream input = new ByteArrayOutputStream(1024);
    Map<String, List<HeaderField>> byName = new HashMap<>();
    for (HeaderField field : headers.fields()) {
      byName.computeIfAbsent(field.lowerName(), k -> new ArrayList<>()).add(field);
    }
    Map<String, Integer> used = new HashMap<>();
    for (String name : names) {
      String lower = name.toLowerCase(Locale.ROOT);
      List<HeaderField> instances = byName.getOrDefault(lower, List.of());
      int u = used.getOrDefault(lower, 0);
      if (u < instances.size()) {
        input.writeBytes(Canonicalization.relaxedHeader(instances.get(instances.size() - 1 - u)));
        input.writeBytes(CRLF);
        used.put(lower, u + 1);
      }
    }
    input.writeBytes(
        Canonicalization.relaxedHeader(
            unsignedField.getBytes(StandardCharsets.US_ASCII), FIELD_NAME.length()));
    return input.toByteArray();
  }

  private static DkimAlgorithm algorithm(SigningKey key) {
    try {
      return DkimAlgorithm.of(key.privateKey());
    } catch (IllegalArgumentException e) {
      throw new DkimSigningException(
          "signing key d=" + key.domain() + " s=" + key.selector() + " is unusable: " + e.getMessage(),
          false,
          e);
    }
  }

  private static byte[] signBytes(SigningKey key, DkimAlgorithm algorithm, byte[] input) {
    try {
      Signature signature;
      if (algorithm == DkimAlgorithm.ED25519_SHA256) {
        signature = Signature.getInstance("Ed25519");
        signature.initSign(key.privateKey());
        signature.update(sha256().digest(input)); // RFC 8463 §3: Ed25519 signs the SHA-256 hash
      } else {
        signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key.privateKey());
        signature.update(input);
      }
      return signature.sign();
    } catch (GeneralSecurityException | RuntimeException e) {
      // the message is fine; the key or the provider is not: a temporary failure (4xx)
      throw new DkimSigningException(
          "signing with d=" + key.domain() + " s=" + key.selector() + " failed: " + e.getClass().getSimpleName(),
          false,
          e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Builds a header field with lines of at most {@link #LINE_WIDTH} characters where possible. */
  private static final class Folder {
    private final StringBuilder sb = new StringBuilder(512);
    private int lineLength;

    Folder(String start) {
      sb.append(start);
      lineLength = start.length();
    }

    /** Appends a token, preceded by a space or, when the line is full, by a fold. */
    void add(String token, boolean spaceBefore) {
      int needed = (spaceBefore ? 1 : 0) + token.length();
      if (lineLength + needed > LINE_WIDTH) {
        sb.append("\r\n\t").append(token);
        lineLength = 1 + token.length();
      } else {
        if (spaceBefore) {
          sb.append(' ');
        }
        sb.append(token);
        lineLength += needed;
      }
    }

    /** Appends base64 with no space before it, folding inside it as needed (FWS is allowed in b=). */
    void addUnbreakable(String text) {
      int pos = 0;
      while (pos < text.length()) {
        int room = LINE_WIDTH - lineLength;
        if (room <= 0) {
          sb.append("\r\n\t");
          lineLength = 1;
          continue;
        }
        int end = Math.min(text.length(), pos + room);
        sb.append(text, pos, end);
        lineLength += end - pos;
        pos = end;
      }
    }

    String text() {
      return sb.toString();
    }
  }
}
