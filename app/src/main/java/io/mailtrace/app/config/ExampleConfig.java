package io.mailtrace.app.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders {@code mailtrace.example.yaml} from {@link ConfigSchema}: every key with its default
 * and description, nested as in the file. A test keeps the committed file identical to this
 * output ({@code mailtrace config-example > mailtrace.example.yaml} regenerates it).
 */
public final class ExampleConfig {
  private ExampleConfig() {}

  public static void main(String[] args) {
    System.out.print(render());
  }

  public static String render() {
    StringBuilder b = new StringBuilder();
    b.append("""
        # Mailtrace configuration: every key with its default.
        #
        # `mailtrace run --config mailtrace.yaml [--roles signer,ingest,api]`
        # Each key can be overridden by an environment variable derived from its path:
        #   signer.listen.port -> MAILTRACE_SIGNER_LISTEN_PORT, roles -> MAILTRACE_ROLES
        #   (lists as comma-separated values, e.g. MAILTRACE_KEYS_DNS_RESOLVERS=10.0.0.2:53,10.0.0.3:53).
        # Relative paths resolve against data_dir. Durations: 500ms, 30s, 5m, 2h, 7d. Sizes: 512, 64KB, 10MB, 1GB.
        # An invalid file stops the start with every problem listed, naming the key.
        # Generated from the code (ConfigSchema); keep the two in step.
        """);
    List<String> open = new ArrayList<>();
    for (ConfigKey k : ConfigSchema.KEYS) {
      String[] parts = k.path().split("\\.");
      int common = 0;
      while (common < open.size() && common < parts.length - 1 && open.get(common).equals(parts[common])) {
        common++;
      }
      while (open.size() > common) {
        open.remove(open.size() - 1);
      }
      if (open.isEmpty() && parts.length > 1 && common == 0) {
        b.append('\n');
      }
      for (int i = common; i < parts.length - 1; i++) {
        b.append("  ".repeat(i)).append(parts[i]).append(":\n");
        open.add(parts[i]);
      }
      String indent = "  ".repeat(parts.length - 1);
      b.append(indent).append("# ").append(k.doc()).append('\n');
      b.append(indent).append(parts[parts.length - 1]).append(": ").append(yamlValue(k)).append('\n');
    }
    return b.toString();
  }

  private static String yamlValue(ConfigKey k) {
    String d = k.defaultValue();
    if (k.type() == ConfigType.LIST) {
      if (d.isEmpty()) {
        return "[]";
      }
      return "[" + String.join(", ", d.split(",")) + "]";
    }
    if (d.isEmpty()) {
      return "\"\"";
    }
    if (k.type() == ConfigType.STRING && !d.matches("[A-Za-z0-9_./-]+") ) {
      return "\"" + d + "\"";
    }
    return d;
  }
}
