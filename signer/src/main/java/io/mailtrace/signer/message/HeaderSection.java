package io.mailtrace.signer.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The header section of a message in wire form (CRLF line endings), split into fields, and where
 * the body starts. Parsing is strict on purpose: the signer signs what every verifier parses the
 * same way, and refuses the rest with a precise reason rather than guessing.
 *
 * @param fields the header fields, top to bottom
 * @param bodyOffset offset of the first body byte (just after the empty separator line)
 */
public record HeaderSection(List<HeaderField> fields, int bodyOffset) {
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  public HeaderSection {
    fields = List.copyOf(fields);
  }

  /**
   * Splits the header section of {@code message}.
   *
   * @throws MalformedMessageException for a bare CR or LF in the header section, a line that is not
   *     a header field, or a missing empty line between header section and body
   */
  public static HeaderSection parse(byte[] message) {
    List<HeaderField> fields = new ArrayList<>();
    int pos = 0;
    int line = 1;
    int fieldStart = -1;
    int fieldNameLength = 0;
    int fieldLine = 0;
    int fieldEnd = -1;
    final int len = message.length;
    while (true) {
      if (pos >= len) {
        throw noSeparator(line - 1);
      }
      int lineEnd = -1;
      int j = pos;
      while (j < len) {
        byte b = message[j];
        if (b == CR) {
          if (j + 1 < len && message[j + 1] == LF) {
            lineEnd = j;
            break;
          }
          if (j + 1 >= len) {
            break; // a final CR without LF: the header section never ends
          }
          throw new MalformedMessageException(
              MessageProblem.BARE_LINE_ENDING,
              "bare CR in header line " + line + " (lines must end with CRLF)");
        }
        if (b == LF) {
          throw new MalformedMessageException(
              MessageProblem.BARE_LINE_ENDING,
              "bare LF at the end of header line " + line + " (lines must end with CRLF)");
        }
        j++;
      }
      if (lineEnd < 0) {
        throw noSeparator(line);
      }
      if (lineEnd == pos) { // the empty line: end of the header section
        if (fieldStart >= 0) {
          fields.add(field(message, fieldStart, fieldEnd, fieldNameLength, fieldLine));
        }
        return new HeaderSection(fields, lineEnd + 2);
      }
      byte first = message[pos];
      if (first == ' ' || first == '\t') {
        if (fieldStart < 0) {
          throw new MalformedMessageException(
              MessageProblem.MALFORMED_HEADER_LINE,
              "header line " + line + " starts with whitespace but continues no header field");
        }
        fieldEnd = lineEnd;
      } else {
        if (fieldStart >= 0) {
          fields.add(field(message, fieldStart, fieldEnd, fieldNameLength, fieldLine));
        }
        int k = pos;
        while (k < lineEnd && message[k] != ':' && message[k] > 32 && message[k] < 127) {
          k++;
        }
        if (k == pos || k >= lineEnd || message[k] != ':') {
          throw malformedLine(message, pos, lineEnd, line);
        }
        fieldStart = pos;
        fieldNameLength = k - pos;
        fieldLine = line;
        fieldEnd = lineEnd;
      }
      pos = lineEnd + 2;
      line++;
    }
  }

  private static HeaderField field(byte[] message, int start, int end, int nameLength, int line) {
    return HeaderField.of(Arrays.copyOfRange(message, start, end), nameLength, line);
  }

  private static MalformedMessageException noSeparator(int lines) {
    return new MalformedMessageException(
        MessageProblem.NO_HEADER_BODY_SEPARATOR,
        "no empty line separates the header section from the body (message ends after "
            + lines
            + " header line"
            + (lines == 1 ? "" : "s")
            + ")");
  }

  private static MalformedMessageException malformedLine(
      byte[] message, int pos, int lineEnd, int line) {
    if (lineEnd - pos >= 5
        && message[pos] == 'F'
        && message[pos + 1] == 'r'
        && message[pos + 2] == 'o'
        && message[pos + 3] == 'm'
        && message[pos + 4] == ' ') {
      return new MalformedMessageException(
          MessageProblem.MALFORMED_HEADER_LINE,
          "header line " + line + " is an mbox \"From \" separator line, not a header field");
    }
    StringBuilder snippet = new StringBuilder();
    for (int i = pos; i < lineEnd && snippet.length() < 40; i++) {
      int c = message[i] & 0xff;
      snippet.append(c >= 32 && c < 127 ? (char) c : '?');
    }
    return new MalformedMessageException(
        MessageProblem.MALFORMED_HEADER_LINE,
        "header line " + line + " is not a header field (expected name:value): \"" + snippet + "\"");
  }

  /** All fields named {@code name} (any case), top to bottom. */
  public List<HeaderField> all(String name) {
    List<HeaderField> out = new ArrayList<>(2);
    for (HeaderField f : fields) {
      if (f.is(name)) {
        out.add(f);
      }
    }
    return out;
  }

  /** How many fields are named {@code name} (any case). */
  public int count(String name) {
    int n = 0;
    for (HeaderField f : fields) {
      if (f.is(name)) {
        n++;
      }
    }
    return n;
  }

  /** The topmost field named {@code name}, if any. */
  public Optional<HeaderField> first(String name) {
    for (HeaderField f : fields) {
      if (f.is(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
