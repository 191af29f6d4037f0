package io.mailtrace.api;

import java.util.Locale;
import java.util.regex.Pattern;

/** Syntax checks for user-supplied names, applied before anything reaches Elasticsearch. */
public final class Syntax {
  private static final Pattern DOMAIN = Pattern.compile(
      "(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");
  private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9._%+@-]{1,254}");
  private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9_-]{1,63}(?:\\.[A-Za-z0-9_-]{1,63}){0,3}");
  private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern IPV4 = Pattern.compile(
      "(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:/(?:3[0-2]|[12]?\\d))?");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}(?:/(?:12[0-8]|1[01]\\d|[1-9]?\\d))?");

  private Syntax() {}

  /** A DNS domain name (lower-cased by the caller), at least two labels. */
  public static boolean isDomain(String s) {
    return s != null && DOMAIN.matcher(s).matches();
  }

  /** Lower-cases and checks a domain; null when it is not one. */
  public static String domainOrNull(String s) {
    if (s == null) {
      return null;
    }
    String d = s.trim().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    return isDomain(d) ? d : null;
  }

  /** An addr-spec local@domain (dot-atom local part). */
  public static boolean isAddress(String s) {
    if (s == null) {
      return false;
    }
    int at = s.lastIndexOf('@');
    return at > 0 && LOCAL_PART.matcher(s.substring(0, at)).matches() && isDomain(s.substring(at + 1).toLowerCase(Locale.ROOT));
  }

  public static boolean isAccount(String s) {
    return s != null && ACCOUNT.matcher(s).matches();
  }

  public static boolean isSelector(String s) {
    return s != null && SELECTOR.matcher(s).matches();
  }

  public static boolean isRecordId(String s) {
    return s != null && RECORD_ID.matcher(s).matches();
  }

  /** An IPv4 or IPv6 address, optionally with a CIDR prefix length. */
  public static boolean isIpOrCidr(String s) {
    if (s == null) {
      return false;
    }
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    return s.indexOf(':') >= 0 && IPV6.matcher(s).matches() && !s.contains(":::");
  }

  /** Printable text without control characters, 1..max chars. */
  public static boolean isPrintable(String s, int max) {
    if (s == null || s.isEmpty() || s.length() > max) {
      return false;
    }
    return s.codePoints().noneMatch(Character::isISOControl);
  }
}
