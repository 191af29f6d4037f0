package io.mailtrace.signer.message;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One header field exactly as it appears in the message.
 *
 * @param name the field name as written (case kept)
 * @param lowerName the field name in lower case, for comparisons (field names are ASCII)
 * @param raw the whole field, name to end of value, folding CRLFs included, without the final CRLF
 * @param line the 1-based line number of the field's first line in the message
 */
public record HeaderField(String name, String lowerName, byte[] raw, int line) {
  public HeaderField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(raw, "raw");
  }

  static HeaderField of(byte[] raw, int nameLength, int line) {
    String name = new String(raw, 0, nameLength, StandardCharsets.US_ASCII);
    return new HeaderField(name, name.toLowerCase(Locale.ROOT), raw, line);
  }

  /** True when this field's name equals {@code other}, ignoring ASCII case. */
  public boolean is(String other) {
    return lowerName.equalsIgnoreCase(other);
  }

  /** Offset in {@link #raw()} of the first value byte (just after the colon). */
  public int valueOffset() {
    return name.length() + 1;
  }

  /**
   * The value unfolded (folding CRLFs removed), decoded as UTF-8 (RFC 6532; invalid bytes become
   * U+FFFD) and trimmed. Encoded words are NOT decoded here.
   */
  public String value() {
    byte[] out = new byte[raw.length - valueOffset()];
    int n = 0;
    for (int i = valueOffset(); i < raw.length; i++) {
      byte b = raw[i];
      if (b != '\r' && b != '\n') {
        out[n++] = b;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8).strip();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeaderField h
        && h.line == line
        && h.name.equals(name)
        && java.util.Arrays.equals(h.raw, raw);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + java.util.Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "HeaderField[" + name + " @line " + line + "]";
  }
}
