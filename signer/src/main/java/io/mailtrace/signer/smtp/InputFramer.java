package io.mailtrace.signer.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits the inbound byte stream into command lines and message data, with bounded memory.
 *
 * <p>Command mode: a line ends at LF (a preceding CR is dropped); a line longer than the limit is
 * discarded while it streams in and reported once as {@link Input.LineTooLong}. Data mode (after
 * 354): only {@code <CRLF>.<CRLF>} ends the message; dot-unstuffing is exact; any bare CR or bare
 * LF marks the message {@link DataProblem#BARE_CR}/{@link DataProblem#BARE_LF} (never an end of
 * data, so {@code \n.\n}, {@code \r.\r}, {@code \n.\r\n} cannot smuggle a second message); bytes
 * beyond the size limit or in over-long lines are counted but not stored. Not thread-safe.
 */
final class InputFramer {

  /** Why a received message must be refused; the first problem seen wins. */
  enum DataProblem { NONE, BARE_LF, BARE_CR, LINE_TOO_LONG, TOO_BIG }

  sealed interface Input {
    record Line(String text) implements Input {}

    record LineTooLong() implements Input {}

    /** @param size octets received after unstuffing (even when not stored) */
    record DataEnd(byte[] message, long size, DataProblem problem) implements Input {}
  }

  private final int maxCommandLine;
  private final int maxDataLine;
  private final long maxMessageBytes;

  private byte[] buf = new byte[4096];
  private int start;
  private int end;
  private boolean data;
  private boolean skippingLongLine;

  // data-mode state
  private byte[] msg;
  private int msgLen;
  private long size;
  private DataProblem problem;
  private boolean atLineStart;
  private boolean dotLine;
  private boolean pendingCr;
  private int lineLen;

  InputFramer(int maxCommandLine, int maxDataLine, long maxMessageBytes) {
    this.maxCommandLine = maxCommandLine;
    this.maxDataLine = maxDataLine;
    this.maxMessageBytes = maxMessageBytes;
  }

  void feed(byte[] bytes, int off, int len) {
    if (end + len > buf.length) {
      compact();
      if (end + len > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
      }
    }
    System.arraycopy(bytes, off, buf, end, len);
    end += len;
  }

  void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Drops unprocessed input (after STARTTLS: plaintext sent before the handshake must not count). */
  void discardBuffered() {
    start = end = 0;
    skippingLongLine = false;
  }

  boolean inData() {
    return data;
  }

  int buffered() {
    return end - start;
  }

  /** Switches to data mode; call right after answering 354. */
  void startData() {
    data = true;
    msg = new byte[8192];
    msgLen = 0;
    size = 0;
    problem = DataProblem.NONE;
    atLineStart = true; // the DATA command's CRLF precedes the first line
    dotLine = false;
    pendingCr = false;
    lineLen = 0;
  }

  /** The next complete input, or null when more bytes are needed. */
  Input next() {
    return data ? nextData() : nextLine();
  }

  private Input nextLine() {
    for (int i = start; i < end; i++) {
      if (buf[i] == '\n') {
        int lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
        int len = lineEnd - start;
        String text = new String(buf, start, len, StandardCharsets.ISO_8859_1);
        start = i + 1;
        if (skippingLongLine || len + 2 > maxCommandLine) {
          skippingLongLine = false;
          return new Input.LineTooLong();
        }
        return new Input.Line(text);
      }
    }
    if (end - start > maxCommandLine) {
      // Bounded buffering: forget the line's bytes, remember only that it was too long.
      skippingLongLine = true;
      boolean keepCr = buf[end - 1] == '\r';
      start = end = 0;
      if (keepCr) {
        buf[end++] = '\r';
      }
    }
    compactIfEmpty();
    return null;
  }

  private Input nextData() {
    int i = start;
    while (i < end) {
      if (!pendingCr && !atLineStart && problem == DataProblem.NONE) {
        i = copyRun(i);
        if (i == end) {
          break;
        }
      }
      byte b = buf[i++];
      if (pendingCr) {
        pendingCr = false;
        if (b == '\n') {
          if (dotLine && lineLen == 0) {
            // <CRLF>.<CRLF>: end of data
            start = i;
            data = false;
            Input out = new Input.DataEnd(Arrays.copyOf(msg, msgLen), size, problem);
            msg = null;
            compactIfEmpty();
            return out;
          }
          store((byte) '\r');
          store((byte) '\n');
          atLineStart = true;
          dotLine = false;
          lineLen = 0;
          continue;
        }
        flag(DataProblem.BARE_CR);
        store((byte) '\r');
        lineLen++;
        atLineStart = false;
        // fall through: b is an ordinary byte of the same line
      }
      if (b == '\r') {
        pendingCr = true;
        continue;
      }
      if (b == '\n') {
        // Bare LF: never a line end; the message is refused but we stay in sync.
        flag(DataProblem.BARE_LF);
        store(b);
        atLineStart = false;
        dotLine = false;
        lineLen++;
        continue;
      }
      if (atLineStart) {
        atLineStart = false;
        if (b == '.') {
          dotLine = true; // dot-unstuffing: the leading dot is never part of the content
          continue;
        }
      }
      lineLen++;
      if (lineLen + 2 > maxDataLine) {
        flag(DataProblem.LINE_TOO_LONG);
      }
      store(b);
    }
    start = end = 0;
    return null;
  }

  /**
   * The fast path for the middle of a line: stores the bytes from {@code i} up to the next CR or LF
   * in one copy, as far as no limit is reached (the byte-by-byte path then flags the first one
   * exactly as before). Returns where the byte-by-byte path continues.
   */
  private int copyRun(int i) {
    int j = i;
    while (j < end && buf[j] != '\r' && buf[j] != '\n') {
      j++;
    }
    long allowed = Math.min(maxDataLine - 2L - lineLen, maxMessageBytes - size);
    int n = (int) Math.max(0, Math.min(j - i, allowed));
    if (n == 0) {
      return i;
    }
    if (msgLen + n > msg.length) {
      msg = Arrays.copyOf(msg, (int) Math.min(Math.max((long) msg.length * 2, msgLen + n), maxMessageBytes + 2));
    }
    System.arraycopy(buf, i, msg, msgLen, n);
    msgLen += n;
    size += n;
    lineLen += n;
    return i + n;
  }

  private void flag(DataProblem p) {
    if (problem == DataProblem.NONE) {
      problem = p;
    }
  }

  private void store(byte b) {
    size++;
    if (size > maxMessageBytes) {
      flag(DataProblem.TOO_BIG);
    }
    if (problem != DataProblem.NONE) {
      return; // refused anyway: keep scanning for the end, store nothing more
    }
    if (msgLen == msg.length) {
      msg = Arrays.copyOf(msg, (int) Math.min((long) msg.length * 2, maxMessageBytes + 2));
    }
    msg[msgLen++] = b;
  }

  private void compactIfEmpty() {
    if (start == end) {
      start = end = 0;
    }
  }

  private void compact() {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
  }
}
