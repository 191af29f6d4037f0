package io.mailtrace.app.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The closed set of value types a config key can have; {@link #parse} explains what is wrong. */
public enum ConfigType {
  STRING("a string"),
  INT("an integer"),
  PORT("a TCP port (0-65535)"),
  BOOLEAN("true or false"),
  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
  DURATION("a duration such as 500ms, 30s, 5m, 2h or 7d"),
  /** {@code 512}, {@code 64KB}, {@code 10MB}, {@code 1GB} (powers of 1024). */
  SIZE("a size such as 512, 64KB, 10MB or 1GB"),
  /** A YAML list, or a comma-separated string (environment variables). */
  LIST("a list of strings"),
  /** {@code host:port}. */
  HOST_PORT("host:port");

  private static final Pattern DURATION_RE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE_RE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?");
  private static final Pattern HOST_PORT_RE = Pattern.compile("([A-Za-z0-9_.\\-]+|\\[[0-9a-fA-F:]+\\]):(\\d{1,5})");

  private final String expected;

  ConfigType(String expected) {
    this.expected = expected;
  }

  /** What a valid value looks like, for error messages. */
  public String expected() {
    return expected;
  }

  /**
   * Converts a raw value (a YAML scalar or list, or an environment string) to this type.
   *
   * @throws IllegalArgumentException with a message saying what was expected
   */
  public Object parse(Object raw) {
    if (raw == null) {
      throw new IllegalArgumentException("missing value, expected " + expected);
    }
    if (this == LIST) {
      if (raw instanceof List<?> l) {
        List<String> out = new ArrayList<>();
        for (Object o : l) {
          if (o == null || o instanceof java.util.Map || o instanceof List) {
            throw new IllegalArgumentException("expected " + expected);
          }
          out.add(o.toString());
        }
        return List.copyOf(out);
      }
      if (raw instanceof java.util.Map) {
        throw new IllegalArgumentException("expected " + expected);
      }
      String s = raw.toString().trim();
      if (s.isEmpty()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
      return List.copyOf(out);
    }
    if (raw instanceof java.util.Map || raw instanceof List) {
      throw new IllegalArgumentException("expected " + expected);
    }
    String s = raw.toString().trim();
    switch (this) {
      case STRING:
        return s;
      case INT:
        try {
          return Integer.parseInt(s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected " + expected);
        }
      case PORT:
        try {
          int p = Integer.parseInt(s);
          if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("expected " + expected);
          }
          return p;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected " + expected);
        }
      case BOOLEAN:
        if (s.equalsIgnoreCase("true")) {
          return true;
        }
        if (s.equalsIgnoreCase("false")) {
          return false;
        }
        throw new IllegalArgumentException("expected " + expected);
      case DURATION: {
        Matcher m = DURATION_RE.matcher(s.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
          throw new IllegalArgumentException("expected " + expected);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      case SIZE: {
        Matcher m = SIZE_RE.matcher(s.toUpperCase(Locale.ROOT));
        if (!m.matches()) {
          throw new IllegalArgumentException("expected " + expected);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return switch (unit) {
          case "KB" -> n * 1024L;
          case "MB" -> n * 1024L * 1024L;
          case "GB" -> n * 1024L * 1024L * 1024L;
          default -> n;
        };
      }
      case HOST_PORT: {
        Matcher m = HOST_PORT_RE.matcher(s);
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
          throw new IllegalArgumentException("expected " + expected);
        }
        return s;
      }
      default:
        throw new IllegalStateException(name());
    }
  }
}
