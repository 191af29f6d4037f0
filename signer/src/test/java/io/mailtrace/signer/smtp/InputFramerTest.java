package io.mailtrace.signer.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.signer.smtp.InputFramer.DataProblem;
import io.mailtrace.signer.smtp.InputFramer.Input;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Data mode of {@link InputFramer}: its bulk-copy fast path must give exactly what the rules give
 * byte by byte (unstuffing, end of data, bare CR/LF, line and size limits, first problem wins),
 * however the input is split into reads.
 */
class InputFramerTest {
  private static final int MAX_LINE = 100;
  private static final long MAX_SIZE = 3000;

  @Test
  void plainMessageIsUnstuffedAndEndsAtCrlfDotCrlf() {
    Input.DataEnd d = data("a\r\n..b\r\n.\r\nNOOP\r\n", 7);
    assertThat(new String(d.message(), StandardCharsets.ISO_8859_1)).isEqualTo("a\r\n.b\r\n");
    assertThat(d.problem()).isEqualTo(DataProblem.NONE);
  }

  @Test
  void lineOfExactlyTheLimitPassesOneMoreIsRefused() {
    String ok = "x".repeat(MAX_LINE - 2);
    assertThat(data(ok + "\r\n.\r\n", 13).problem()).isEqualTo(DataProblem.NONE);
    assertThat(data(ok + "x\r\n.\r\n", 13).problem()).isEqualTo(DataProblem.LINE_TOO_LONG);
  }

  @Test
  void sizeLimitIsExactAndTheFirstProblemWins() {
    String line = "y".repeat(MAX_LINE - 2) + "\r\n"; // 100 octets
    assertThat(data(line.repeat(30) + ".\r\n", 64).problem()).isEqualTo(DataProblem.NONE); // 3000
    assertThat(data(line.repeat(30) + "z\r\n.\r\n", 64).problem()).isEqualTo(DataProblem.TOO_BIG);
    assertThat(data("a\nb" + line.repeat(40) + ".\r\n", 64).problem()).isEqualTo(DataProblem.BARE_LF);
  }

  @Test
  void randomMessagesMatchTheByteByByteRulesWhateverTheReadSizes() {
    Random r = new Random(42);
    byte[] alphabet = "ab .\r\n\t.xyz".getBytes(StandardCharsets.ISO_8859_1);
    for (int n = 0; n < 3000; n++) {
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      int len = r.nextInt(n % 10 == 0 ? 4000 : 300);
      for (int i = 0; i < len; i++) {
        // mostly long runs of ordinary bytes (the fast path), sometimes line ends and dots
        in.write(r.nextInt(8) == 0 ? alphabet[r.nextInt(alphabet.length)] : 'a' + r.nextInt(26));
        if (r.nextInt(60) == 0) {
          in.write('\r');
          in.write('\n');
        }
      }
      in.writeBytes("\r\n.\r\n".getBytes(StandardCharsets.ISO_8859_1));
      byte[] bytes = in.toByteArray();
      Reference expected = Reference.run(bytes);
      if (expected == null) {
        continue; // cannot happen: every input ends with an end of data
      }
      Input.DataEnd got = data(bytes, 1 + r.nextInt(700));
      assertThat(got.problem()).as("problem of input %d", n).isEqualTo(expected.problem);
      assertThat(got.size()).as("size of input %d", n).isEqualTo(expected.size);
      if (expected.problem == DataProblem.NONE) {
        assertThat(got.message()).as("message of input %d", n).isEqualTo(expected.message.toByteArray());
      }
    }
  }

  private static Input.DataEnd data(String s, int chunk) {
    return data(s.getBytes(StandardCharsets.ISO_8859_1), chunk);
  }

  /** Feeds {@code bytes} in reads of {@code chunk} octets and returns the first end of data. */
  private static Input.DataEnd data(byte[] bytes, int chunk) {
    InputFramer f = new InputFramer(512, MAX_LINE, MAX_SIZE);
    f.startData();
    List<Input> out = new ArrayList<>();
    for (int off = 0; off < bytes.length && out.isEmpty(); off += chunk) {
      f.feed(bytes, off, Math.min(chunk, bytes.length - off));
      Input in = f.next();
      if (in != null) {
        out.add(in);
      }
    }
    assertThat(out).hasSize(1);
    return (Input.DataEnd) out.get(0);
  }

  /** The data-mode rules written plainly, one byte at a time. */
  private static final class Reference {
    final ByteArrayOutputStream message = new ByteArrayOutputStream();
    long size;
    DataProblem problem = DataProblem.NONE;

    static Reference run(byte[] in) {
      Reference ref = new Reference();
      boolean atLineStart = true;
      boolean dotLine = false;
      boolean pendingCr = false;
      int lineLen = 0;
      for (byte b : in) {
        if (pendingCr) {
          pendingCr = false;
          if (b == '\n') {
            if (dotLine && lineLen == 0) {
              return ref;
            }
            ref.store((byte) '\r');
            ref.store((byte) '\n');
            atLineStart = true;
            dotLine = false;
            lineLen = 0;
            continue;
          }
          ref.flag(DataProblem.BARE_CR);
          ref.store((byte) '\r');
          lineLen++;
          atLineStart = false;
        }
        if (b == '\r') {
          pendingCr = true;
          continue;
        }
        if (b == '\n') {
          ref.flag(DataProblem.BARE_LF);
          ref.store(b);
          atLineStart = false;
          dotLine = false;
          lineLen++;
          continue;
        }
        if (atLineStart) {
          atLineStart = false;
          if (b == '.') {
            dotLine = true;
            continue;
          }
        }
        lineLen++;
        if (lineLen + 2 > MAX_LINE) {
          ref.flag(DataProblem.LINE_TOO_LONG);
        }
        ref.store(b);
      }
      return null;
    }

    void flag(DataProblem p) {
      if (problem == DataProblem.NONE) {
        problem = p;
      }
    }

    void store(byte b) {
      size++;
      if (size > MAX_SIZE) {
        flag(DataProblem.TOO_BIG);
      }
      if (problem == DataProblem.NONE) {
        message.write(b);
      }
    }
  }
}
