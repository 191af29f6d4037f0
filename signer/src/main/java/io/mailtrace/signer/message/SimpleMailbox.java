package io.mailtrace.signer.message;

/**
 * The From forms nearly every sender writes, read without the full RFC 5322 address parser:
 * {@code local@domain}, {@code <local@domain>}, {@code Words Of A Name <local@domain>} and
 * {@code "Quoted Name" <local@domain>}, in printable ASCII, with a dot-atom local part and a
 * domain of letter-digit-hyphen labels. Anything else (groups, lists, comments, escapes, encoded
 * words, 8-bit, obsolete syntax) is left to the full parser, which gives the same answer for these
 * forms (a test compares the two). It exists because the full parser is a generated one that
 * builds exceptions with stack traces for every field, and the SMTP path reads every From.
 */
final class SimpleMailbox {
  private SimpleMailbox() {}

  /**
   * The addr-spec of a From value in one of the simple forms, as written; null when the value is
   * not in one of them.
   */
  static String addrSpec(String value) {
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == ' ') {
      end--;
    }
    int start = 0;
    while (start < end && value.charAt(start) == ' ') {
      start++;
    }
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    if (end > start && value.charAt(end - 1) == '>') {
      int open = value.lastIndexOf('<', end - 1);
      if (open < start || !displayName(value, start, open)) {
        return null;
      }
      return isAddrSpec(value, open + 1, end - 1) ? value.substring(open + 1, end - 1) : null;
    }
    return isAddrSpec(value, start, end) ? value.substring(start, end) : null;
  }

  /** Empty, atext words separated by spaces, or one quoted string without escapes; then spaces. */
  private static boolean displayName(String v, int from, int to) {
    int end = to;
    while (end > from && v.charAt(end - 1) == ' ') {
      end--;
    }
    if (end == from) {
      return true;
    }
    if (v.charAt(from) == '"') {
      if (end - from < 2 || v.charAt(end - 1) != '"') {
        return false;
      }
      for (int i = from + 1; i < end - 1; i++) {
        char c = v.charAt(i);
        if (c == '"' || c == '\\') {
          return false;
        }
      }
      return true;
    }
    for (int i = from; i < end; i++) {
      char c = v.charAt(i);
      if (c != ' ' && !atext(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAddrSpec(String v, int from, int to) {
    int at = v.indexOf('@', from);
    if (at < 0 || at >= to) {
      return false;
    }
    return dotAtom(v, from, at, false) && dotAtom(v, at + 1, to, true);
  }

  /** One or more runs of atext (or, for a domain, letters, digits and hyphens) joined by single dots. */
  private static boolean dotAtom(String v, int from, int to, boolean domain) {
    if (from >= to || v.charAt(from) == '.' || v.charAt(to - 1) == '.') {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = v.charAt(i);
      if (c == '.') {
        if (v.charAt(i - 1) == '.') {
          return false;
        }
      } else if (domain ? !ldh(c) : !atext(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean ldh(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }

  /** RFC 5322 atext. */
  private static boolean atext(char c) {
    return ldh(c) || "!#$%&'*+/=?^_`{|}~".indexOf(c) >= 0;
  }
}
