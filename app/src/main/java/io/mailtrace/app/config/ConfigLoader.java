package io.mailtrace.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link MailtraceConfig} from, in increasing precedence: the schema defaults, the YAML
 * file, environment variables ({@code MAILTRACE_<PATH>}, derived from each key's path) and
 * explicit overrides (command-line flags, dev mode). Collects every problem — unknown keys, type
 * errors, then {@link MailtraceConfig#validate()} — and reports them together.
 */
public final class ConfigLoader {
  /** Environment variables of the launcher, not configuration keys. */
  private static final Set<String> NOT_CONFIG_ENV = Set.of("MAILTRACE_JAVA_OPTS", "MAILTRACE_CONFIG",
      "MAILTRACE_SKIP_BUILD", "MAILTRACE_ES_VERSION", "MAILTRACE_ES_ZIP", "MAILTRACE_ES_JAVA_HOME");

  private ConfigLoader() {}

  /** Loads and validates; throws with every problem when anything is wrong. */
  public static MailtraceConfig load(Path file, Map<String, String> env, Map<String, String> overrides) throws ConfigException {
    MailtraceConfig c = loadUnvalidated(file, env, overrides);
    List<ConfigProblem> problems = c.validate();
    if (problems.isEmpty()) {
      // then each module's own checks of what it received
      problems = io.mailtrace.app.wiring.ModuleConfigs.validate(c);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return c;
  }

  /** Loads and type-checks without the semantic {@link MailtraceConfig#validate()} step. */
  public static MailtraceConfig loadUnvalidated(Path file, Map<String, String> env, Map<String, String> overrides) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, Object> raw = new LinkedHashMap<>();
    Map<String, String> source = new HashMap<>();
    for (ConfigKey k : ConfigSchema.KEYS) {
      raw.put(k.path(), k.defaultValue());
      source.put(k.path(), k.path());
    }
    if (file != null) {
      readYaml(file, raw, source, problems);
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("MAILTRACE_") || NOT_CONFIG_ENV.contains(name)) {
        continue;
      }
      ConfigKey key = ConfigSchema.KEYS.stream().filter(k -> k.envName().equals(name)).findFirst().orElse(null);
      if (key == null) {
        problems.add(new ConfigProblem(name, e.getValue(), "unknown environment variable (not a configuration key)"));
      } else {
        raw.put(key.path(), e.getValue());
        source.put(key.path(), key.path() + " (from " + name + ")");
      }
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (ConfigSchema.find(e.getKey()).isEmpty()) {
        throw new IllegalArgumentException("override of unknown key " + e.getKey());
      }
      raw.put(e.getKey(), e.getValue());
      source.put(e.getKey(), e.getKey());
    }
    Map<String, Object> typed = new HashMap<>();
    for (ConfigKey k : ConfigSchema.KEYS) {
      Object v = raw.get(k.path());
      if (v == null && (k.type() == ConfigType.STRING || k.type() == ConfigType.LIST)) {
        v = "";
      }
      try {
        typed.put(k.path(), k.type().parse(v));
      } catch (IllegalArgumentException ex) {
        problems.add(new ConfigProblem(source.get(k.path()), v == null ? null : String.valueOf(v), ex.getMessage()));
      }
    }
    List<Role> roles = new ArrayList<>();
    if (typed.get("roles") instanceof List<?> names) {
      for (Object n : names) {
        Role.parse(n.toString()).ifPresentOrElse(roles::add,
            () -> problems.add(new ConfigProblem(source.get("roles"), n.toString(), "unknown role; expected signer, ingest or api")));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return build(new Typed(typed), roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
  }

  @SuppressWarnings("unchecked")
  private static void readYaml(Path file, Map<String, Object> raw, Map<String, String> source, List<ConfigProblem> problems) throws ConfigException {
    Object tree;
    try {
      tree = new ObjectMapper(new YAMLFactory()).readValue(Files.readAllBytes(file), Object.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of(new ConfigProblem(file.toString(), null, "not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()))));
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigProblem(file.toString(), null, "cannot read the configuration file: " + e.getMessage())));
    }
    if (tree == null) {
      return; // an empty file: all defaults
    }
    if (!(tree instanceof Map)) {
      throw new ConfigException(List.of(new ConfigProblem(file.toString(), null, "the top level must be a mapping of keys")));
    }
    flatten("", (Map<String, Object>) tree, raw, source, problems);
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> m, Map<String, Object> raw, Map<String, String> source, List<ConfigProblem> problems) {
    for (Map.Entry<String, Object> e : m.entrySet()) {
      String path = prefix + e.getKey();
      Object v = e.getValue();
      if (ConfigSchema.find(path).isPresent()) {
        raw.put(path, v);
      } else if (ConfigSchema.isSection(path)) {
        if (v instanceof Map) {
          flatten(path + ".", (Map<String, Object>) v, raw, source, problems);
        } else if (v != null) {
          problems.add(new ConfigProblem(path, String.valueOf(v), "is a section; expected nested keys"));
        }
      } else {
        problems.add(new ConfigProblem(path, v instanceof Map ? null : String.valueOf(v), "unknown key" + suggestion(path)));
      }
    }
  }

  /** The closest known key (at most two edits away), for typos such as {@code max_recods}. */
  private static String suggestion(String path) {
    String best = null;
    int bestDistance = 3;
    for (ConfigKey k : ConfigSchema.KEYS) {
      int d = distance(path, k.path());
      if (d < bestDistance) {
        best = k.path();
        bestDistance = d;
      }
    }
    return best == null ? "" : "; did you mean " + best + "?";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private record Typed(Map<String, Object> m) {
    String s(String k) {
      return (String) m.get(k);
    }

    int i(String k) {
      return (Integer) m.get(k);
    }

    long l(String k) {
      return (Long) m.get(k);
    }

    boolean b(String k) {
      return (Boolean) m.get(k);
    }

    Duration d(String k) {
      return (Duration) m.get(k);
    }

    @SuppressWarnings("unchecked")
    List<String> list(String k) {
      return (List<String>) m.get(k);
    }
  }

  private static MailtraceConfig build(Typed t, Set<Role> roles) {
    Path dataDir = Path.of(t.s("data_dir").isEmpty() ? "." : t.s("data_dir")).toAbsolutePath().normalize();
    java.util.function.Function<String, Path> path = k -> {
      String v = t.s(k);
      return v.isEmpty() ? null : dataDir.resolve(v).normalize();
    };
    String node = t.s("node.name").isEmpty() ? hostName() : t.s("node.name");
    return new MailtraceConfig(
        node,
        roles,
        dataDir,
        new MailtraceConfig.Elasticsearch(stripSlash(t.s("elasticsearch.url")), t.d("elasticsearch.request_timeout")),
        new MailtraceConfig.Signer(
            new MailtraceConfig.Listen(t.s("signer.listen.host"), t.i("signer.listen.port")),
            t.i("signer.instances"),
            t.s("signer.hostname").isEmpty() ? node : t.s("signer.hostname"),
            new MailtraceConfig.Tls(path.apply("signer.tls.cert_file"), path.apply("signer.tls.key_file")),
            path.apply("signer.accounts_file"),
            t.list("signer.trusted_networks"),
            new MailtraceConfig.Limits(t.l("signer.limits.max_message_size"), t.i("signer.limits.max_recipients"),
                t.i("signer.limits.max_line_length"), t.d("signer.limits.command_timeout"), t.d("signer.limits.data_timeout"),
                t.i("signer.limits.max_connections_per_ip")),
            new MailtraceConfig.SharedKey(t.s("signer.shared_key.domain"), t.s("signer.shared_key.selector"),
                path.apply("signer.shared_key.private_key_file")),
            new MailtraceConfig.Relay(t.s("signer.relay.host"), t.i("signer.relay.port"), t.b("signer.relay.starttls"),
                t.s("signer.relay.username"), path.apply("signer.relay.password_file"), t.d("signer.relay.connect_timeout"),
                t.i("signer.relay.max_connections"), t.d("signer.relay.reply_timeout"))),
        new MailtraceConfig.Journal(path.apply("journal.dir"), t.l("journal.max_size"), t.l("journal.segment_size")),
        new MailtraceConfig.Ingest(t.i("ingest.batch.max_records"), t.l("ingest.batch.max_bytes"), t.d("ingest.batch.linger"),
            t.d("ingest.retry.max_backoff"), t.i("ingest.retention_days"), path.apply("ingest.dead_letter_file")),
        new MailtraceConfig.Api(new MailtraceConfig.Listen(t.s("api.listen.host"), t.i("api.listen.port")),
            path.apply("api.jwt_secret_file")),
        new MailtraceConfig.Keys(path.apply("keys.master_key_file"), t.list("keys.dns_resolvers"), t.i("keys.key_bits"),
            t.d("keys.recheck_interval"), t.d("keys.reverify_interval"), t.d("keys.pending_expiry"), t.d("keys.refresh_interval")),
        t.b("metrics.enabled"),
        new MailtraceConfig.Listen(t.s("metrics.listen.host"), t.i("metrics.listen.port")));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String hostName() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "mailtrace";
    }
  }
}
