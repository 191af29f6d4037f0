package io.mailtrace.app.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-rolled parser for {@code --flag value}, {@code --flag=value} and repeated flags; small
 * enough that a CLI library would add more than it saves. Unknown flags are usage errors.
 */
public final class Args {
  private final Map<String, List<String>> flags = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args() {}

  /**
   * @param valued flags that take a value (without the leading {@code --})
   * @param booleans flags that take none
   */
  public static Args parse(List<String> args, Set<String> valued, Set<String> booleans) throws UsageException {
    Args a = new Args();
    for (int i = 0; i < args.size(); i++) {
      String s = args.get(i);
      if (s.startsWith("--")) {
        String name = s.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (booleans.contains(name)) {
          if (value != null) {
            throw new UsageException("--" + name + " takes no value");
          }
          a.flags.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
        } else if (valued.contains(name)) {
          if (value == null) {
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
              throw new UsageException("--" + name + " needs a value");
            }
            value = args.get(++i);
          }
          a.flags.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        } else {
          throw new UsageException("unknown option --" + name);
        }
      } else {
        a.positional.add(s);
      }
    }
    return a;
  }

  public String get(String name) {
    List<String> v = flags.get(name);
    return v == null ? null : v.get(v.size() - 1);
  }

  public String get(String name, String def) {
    String v = get(name);
    return v == null ? def : v;
  }

  public List<String> all(String name) {
    return flags.getOrDefault(name, List.of());
  }

  public boolean has(String name) {
    return flags.containsKey(name);
  }

  public List<String> positional() {
    return positional;
  }

  /** A port flag: 1-65535 (0 = pick a free one when {@code allowZero}). */
  public int port(String name, int def, boolean allowZero) throws UsageException {
    String v = get(name);
    if (v == null) {
      return def;
    }
    try {
      int p = Integer.parseInt(v);
      if (p < (allowZero ? 0 : 1) || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": expected a port number, got \"" + v + "\"");
    }
  }
}
