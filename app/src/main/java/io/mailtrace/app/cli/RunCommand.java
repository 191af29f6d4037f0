package io.mailtrace.app.cli;

import io.mailtrace.app.config.ConfigException;
import io.mailtrace.app.config.ConfigLoader;
import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.app.wiring.Foreground;
import io.mailtrace.app.wiring.MailtraceNode;
import io.mailtrace.app.wiring.ModuleWiring;
import io.mailtrace.app.wiring.VertxRuntime;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code mailtrace run --config mailtrace.yaml [--roles signer,ingest,api]}. */
public final class RunCommand {
  private final PrintStream out;
  private final PrintStream err;

  public RunCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public int run(List<String> argv) throws Exception {
    Args a = Args.parse(argv, Set.of("config", "roles"), Set.of());
    if (!a.positional().isEmpty()) {
      throw new UsageException("run: unexpected argument \"" + a.positional().get(0) + "\"");
    }
    String envConfig = System.getenv("MAILTRACE_CONFIG");
    Path file = Path.of(a.get("config", envConfig == null || envConfig.isBlank() ? "mailtrace.yaml" : envConfig));
    if (!Files.isRegularFile(file)) {
      throw new UsageException("configuration file not found: " + file.toAbsolutePath()
          + " (copy mailtrace.example.yaml, or try `mailtrace dev`)");
    }
    Map<String, String> overrides = new HashMap<>();
    if (a.has("roles")) {
      overrides.put("roles", a.get("roles"));
    }
    MailtraceConfig config = load(file, overrides);
    VertxRuntime rt = VertxRuntime.create(config.metricsEnabled());
    MailtraceNode node = new MailtraceNode(rt.vertx(), config, new ModuleWiring(rt.vertx(), config, rt.registry(), rt::scrape));
    try {
      Foreground.await(node.start(), Duration.ofMinutes(5));
    } catch (Exception e) {
      Foreground.await(node.stop().eventually(() -> rt.vertx().close()), Duration.ofSeconds(60));
      throw e;
    }
    out.println("mailtrace: node " + config.nodeName() + " running roles " + config.roles() + " (Ctrl-C to stop)");
    Foreground.runUntilStopped(() -> node.stop().eventually(() -> rt.vertx().close()));
    return 0;
  }

  static MailtraceConfig load(Path file, Map<String, String> overrides) throws ConfigException {
    return ConfigLoader.load(file, System.getenv(), overrides);
  }
}
