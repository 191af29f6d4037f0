package io.mailtrace.signer.dkim;

import io.mailtrace.signer.message.HeaderField;
import io.mailtrace.signer.message.MalformedMessageException;
import io.mailtrace.signer.message.MessageProblem;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * RFC 6376 §3.4 canonicalization of header fields and bodies, on bytes (8-bit content passes
 * through untouched). Relaxed is what the signer uses; simple exists for the known-answer tests.
 * Pure functions, thread-safe.
 */
public final class Canonicalization {

  /** Where canonical body bytes go: a {@link MessageDigest} when signing, a buffer in tests. */
  @FunctionalInterface
  public interface ByteSink {
    void write(byte[] bytes, int offset, int length);

    static ByteSink of(MessageDigest digest) {
      return digest::update;
    }
  }

  private Canonicalization() {}

  /**
   * Relaxed header canonicalization (§3.4.2): name in lower case, unfolded, runs of WSP reduced to
   * one SP, WSP around the colon and at the end removed. Returns {@code name:value} WITHOUT the
   * CRLF the signing input adds after every signed field.
   */
  public static byte[] relaxedHeader(HeaderField field) {
    return relaxedHeader(field.raw(), field.name().length());
  }

  /**
   * @param raw the field, name to end of value, without its final CRLF
   * @param nameLength length of the field name (the colon follows it, maybe after WSP)
   */
  public static byte[] relaxedHeader(byte[] raw, int nameLength) {
    byte[] out = new byte[raw.length + 1];
    int n = 0;
    int nameEnd = nameLength;
    while (nameEnd > 0 && isWsp(raw[nameEnd - 1])) {
      nameEnd--;
    }
    for (int i = 0; i < nameEnd; i++) {
      byte b = raw[i];
      out[n++] = (b >= 'A' && b <= 'Z') ? (byte) (b + 32) : b;
    }
    out[n++] = ':';
    int i = nameLength;
    while (i < raw.length && raw[i] != ':') {
      i++; // obsolete syntax: WSP between name and colon
    }
    boolean started = false;
    boolean pendingSpace = false;
    for (i = i + 1; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '\r' || b == '\n') {
        continue; // unfold: CRLF before WSP disappears, the WSP collapses below
      }
      if (isWsp(b)) {
        pendingSpace = started;
        continue;
      }
      if (pendingSpace) {
        out[n++] = ' ';
        pendingSpace = false;
      }
      out[n++] = b;
      started = true;
    }
    return Arrays.copyOf(out, n);
  }

  /** Simple header canonicalization (§3.4.1): the field unchanged, without its final CRLF. */
  public static byte[] simpleHeader(HeaderField field) {
    return field.raw().clone();
  }

  /**
   * Relaxed body canonicalization (§3.4.4) of {@code message[from, to)}: WSP runs become one SP,
   * WSP at line ends goes, empty lines at the end go, a non-empty body ends with exactly one CRLF,
   * and an empty body stays empty (hash of "").
   *
   * @throws MalformedMessageException (BARE_LINE_ENDING) for a CR or LF that is not part of a CRLF
   */
  public static void relaxedBody(byte[] message, int from, int to, ByteSink sink) {
    Out out = new Out(sink);
    int blankLines = 0;
    boolean lineHasContent = false;
    boolean pendingSpace = false;
    int line = 1;
    for (int i = from; i < to; i++) {
      byte b = message[i];
      if (b == '\r') {
        if (i + 1 < to && message[i + 1] == '\n') {
          if (lineHasContent) {
            out.crlf();
            lineHasContent = false;
          } else {
            blankLines++;
          }
          pendingSpace = false;
          i++;
          line++;
          continue;
        }
        throw bare("CR", line);
      } else if (b == '\n') {
        throw bare("LF", line);
      } else if (b == ' ' || b == '\t') {
        pendingSpace = true;
      } else {
        if (!lineHasContent) {
          for (; blankLines > 0; blankLines--) {
            out.crlf();
          }
          lineHasContent = true;
        }
        if (pendingSpace) {
          out.put((byte) ' ');
          pendingSpace = false;
        }
        // The rest of a word passes through unchanged: copy it as one run, not byte by byte.
        int end = i + 1;
        while (end < to && isWordByte(message[end])) {
          end++;
        }
        out.put(message, i, end - i);
        i = end - 1;
      }
    }
    if (lineHasContent) {
      out.crlf();
    }
    out.flush();
  }

  /** {@link #relaxedBody(byte[], int, int, ByteSink)} of a whole body, into a new array. */
  public static byte[] relaxedBody(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
    relaxedBody(body, 0, body.length, out::write);
    return out.toByteArray();
  }

  /**
   * Simple body canonicalization (§3.4.3): empty lines at the end go, the body ends with one CRLF,
   * an empty body becomes CRLF.
   */
  public static void simpleBody(byte[] message, int from, int to, ByteSink sink) {
    int end = to;
    while (end - from >= 2 && message[end - 2] == '\r' && message[end - 1] == '\n') {
      end -= 2;
    }
    sink.write(message, from, end - from);
    sink.write(CRLF, 0, 2);
  }

  /** {@link #simpleBody(byte[], int, int, ByteSink)} of a whole body, into a new array. */
  public static byte[] simpleBody(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 2);
    simpleBody(body, 0, body.length, out::write);
    return out.toByteArray();
  }

  private static final byte[] CRLF = {'\r', '\n'};

  private static boolean isWsp(byte b) {
    return b == ' ' || b == '\t';
  }

  /** A byte relaxed body canonicalization never changes: neither WSP nor part of a line ending. */
  private static boolean isWordByte(byte b) {
    return b != ' ' && b != '\t' && b != '\r' && b != '\n';
  }

  private static MalformedMessageException bare(String what, int line) {
    return new MalformedMessageException(
        MessageProblem.BARE_LINE_ENDING,
        "bare " + what + " in body line " + line + " (lines must end with CRLF)");
  }

  /** Buffers canonical bytes so the digest is fed in blocks, not byte by byte. */
  private static final class Out {
    private final ByteSink sink;
    private final byte[] buf = new byte[8192];
    private int n;

    Out(ByteSink sink) {
      this.sink = sink;
    }

    void put(byte b) {
      if (n == buf.length) {
        flush();
      }
      buf[n++] = b;
    }

    void put(byte[] bytes, int off, int len) {
      if (len > buf.length - n) {
        flush();
        if (len >= buf.length) {
          sink.write(bytes, off, len);
          return;
        }
      }
      System.arraycopy(bytes, off, buf, n, len);
      n += len;
    }

    void crlf() {
      if (n + 2 > buf.length) {
        flush();
      }
      buf[n++] = '\r';
      buf[n++] = '\n';
    }

    void flush() {
      if (n > 0) {
        sink.write(buf, 0, n);
        n = 0;
      }
    }
  }
}
