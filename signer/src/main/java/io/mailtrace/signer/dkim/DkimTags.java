package io.mailtrace.signer.dkim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 6376 §3.2 tag=value lists (DKIM-Signature values, DNS key records). Folding whitespace around
 * names and values is removed; inside {@code b=}, {@code bh=} and {@code p=} (base64) all whitespace
 * is removed.
 */
public final class DkimTags {
  private DkimTags() {}

  /**
   * @return tags in order of appearance; names as written (they are case-sensitive)
   * @throws IllegalArgumentException for a tag without '=', an empty or invalid name, or a
   *     duplicate tag (§3.2: duplicates invalidate the whole list)
   */
  public static Map<String, String> parse(String list) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String part : list.split(";", -1)) {
      String p = stripFws(part);
      if (p.isEmpty()) {
        continue; // an empty last element after a final ';' is allowed
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("tag without '=': \"" + abbreviate(p) + "\"");
      }
      String name = stripFws(p.substring(0, eq));
      if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("invalid tag name \"" + abbreviate(name) + "\"");
      }
      String value = stripFws(p.substring(eq + 1));
      if (name.equals("b") || name.equals("bh") || name.equals("p")) {
        value = value.replaceAll("[ \t\r\n]", "");
      }
      if (tags.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("duplicate tag " + name);
      }
    }
    return tags;
  }

  /** The (domain, selector) of a DKIM-Signature value, lower case, or null if unusable. */
  static String domainSelectorKey(String signatureValue) {
    try {
      Map<String, String> tags = parse(signatureValue);
      String d = tags.get("d");
      String s = tags.get("s");
      if (d == null || s == null || d.isEmpty() || s.isEmpty()) {
        return null;
      }
      return key(d, s);
    } catch (IllegalArgumentException e) {
      return null; // not a well-formed signature: it cannot be "ours"
    }
  }

  static String key(String domain, String selector) {
    return domain.toLowerCase(Locale.ROOT) + "\u0000" + selector.toLowerCase(Locale.ROOT);
  }

  private static String stripFws(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && isFws(s.charAt(a))) {
      a++;
    }
    while (b > a && isFws(s.charAt(b - 1))) {
      b--;
    }
    return s.substring(a, b);
  }

  private static boolean isFws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static String abbreviate(String s) {
    return s.length() <= 30 ? s : s.substring(0, 27) + "...";
  }
}
