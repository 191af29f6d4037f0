package io.mailtrace.app.cli;

import io.mailtrace.app.config.ConfigLoader;
import io.mailtrace.app.config.ConfigType;
import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.app.dev.DevPaths;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code mailtrace token --role admin|support|domain-admin [--domain d ...] [--ttl 30d]}: prints
 * a bearer token for the API, signed with the configured JWT secret.
 */
public final class TokenCommand {
  private static final Set<String> ROLES = Set.of("admin", "support", "domain-admin");
  private static final String DOMAIN_RE = "(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+";

  private final PrintStream out;

  public TokenCommand(PrintStream out) {
    this.out = out;
  }

  public int run(List<String> argv) throws Exception {
    Args a = Args.parse(argv, Set.of("role", "domain", "ttl", "config", "data-dir"), Set.of());
    if (!a.positional().isEmpty()) {
      throw new UsageException("token: unexpected argument \"" + a.positional().get(0) + "\"");
    }
    String role = a.get("role");
    if (role == null) {
      throw new UsageException("token: --role is required (admin, support or domain-admin)");
    }
    role = role.toLowerCase(Locale.ROOT);
    if (!ROLES.contains(role)) {
      throw new UsageException("token: unknown role \"" + role + "\"; expected admin, support or domain-admin");
    }
    List<String> domains = a.all("domain").stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    for (String d : domains) {
      if (!d.matches(DOMAIN_RE)) {
        throw new UsageException("token: --domain \"" + d + "\" is not a domain name");
      }
    }
    if (role.equals("domain-admin") && domains.isEmpty()) {
      throw new UsageException("token: a domain-admin token needs at least one --domain");
    }
    if (!role.equals("domain-admin") && !domains.isEmpty()) {
      throw new UsageException("token: --domain only applies to --role domain-admin");
    }
    Duration ttl;
    try {
      ttl = (Duration) ConfigType.DURATION.parse(a.get("ttl", "30d"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("token: --ttl: " + e.getMessage() + ", got \"" + a.get("ttl") + "\"");
    }
    if (ttl.isZero()) {
      throw new UsageException("token: --ttl must be positive");
    }
    Path secretFile;
    if (a.has("config")) {
      MailtraceConfig c = ConfigLoader.loadUnvalidated(Path.of(a.get("config")), System.getenv(), java.util.Map.of());
      secretFile = c.api().jwtSecretFile();
    } else {
      secretFile = DevPaths.of(a.get("data-dir")).jwtSecret();
    }
    if (secretFile == null || !Files.isReadable(secretFile)) {
      throw new UsageException("token: JWT secret file not found: " + secretFile
          + (a.has("config") ? " (api.jwt_secret_file)" : " (run `mailtrace dev` once, or pass --config)"));
    }
    try {
      out.println(Tokens.issue(Files.readString(secretFile).trim(), "cli", role, domains, ttl));
    } catch (IllegalArgumentException e) {
      throw new UsageException("token: " + e.getMessage());
    }
    return 0;
  }
}
