package io.mailtrace.app.config;

import static io.mailtrace.app.config.ConfigType.BOOLEAN;
import static io.mailtrace.app.config.ConfigType.DURATION;
import static io.mailtrace.app.config.ConfigType.HOST_PORT;
import static io.mailtrace.app.config.ConfigType.INT;
import static io.mailtrace.app.config.ConfigType.LIST;
import static io.mailtrace.app.config.ConfigType.PORT;
import static io.mailtrace.app.config.ConfigType.SIZE;
import static io.mailtrace.app.config.ConfigType.STRING;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key of {@code mailtrace.yaml}, in file order. Relative paths are resolved against
 * {@code data_dir}. The example file at the repository root is checked against this list by a
 * test, so the two cannot drift apart.
 */
public final class ConfigSchema {
  private ConfigSchema() {}

  public static final List<ConfigKey> KEYS = List.of(
      k("node.name", STRING, "", "node name written into every trace record (empty = the host name)"),
      k("roles", LIST, "signer,ingest,api", "roles this process runs: signer, ingest, api (--roles overrides)"),
      k("data_dir", STRING, "./data", "directory for the journal, secrets and other state; relative paths below resolve against it"),

      k("elasticsearch.url", STRING, "http://127.0.0.1:9200", "Elasticsearch base URL (8.19 or 9.x)"),
      k("elasticsearch.request_timeout", DURATION, "30s", "timeout of one request to Elasticsearch"),

      k("signer.listen.host", STRING, "0.0.0.0", "SMTP listen address"),
      k("signer.listen.port", PORT, "2525", "SMTP listen port"),
      k("signer.instances", INT, "0", "SMTP server verticle instances, one event loop each (0 = half the cores, at least 1: RSA runs on its own pool of one thread per core)"),
      k("signer.hostname", STRING, "", "name in the SMTP greeting and EHLO reply (empty = node.name)"),
      k("signer.tls.cert_file", STRING, "", "PEM certificate chain for STARTTLS (empty = no STARTTLS, so no AUTH)"),
      k("signer.tls.key_file", STRING, "", "PEM private key for STARTTLS"),
      k("signer.accounts_file", STRING, "accounts.json", "SMTP AUTH accounts (Argon2id hashes; manage with `mailtrace account`)"),
      k("signer.trusted_networks", LIST, "", "CIDRs of MTAs allowed to relay without AUTH (the envelope sender names the account)"),
      k("signer.limits.max_message_size", SIZE, "25MB", "largest message accepted (552 5.3.4 above)"),
      k("signer.limits.max_recipients", INT, "100", "recipients per message (452 4.5.3 above)"),
      k("signer.limits.max_line_length", INT, "1000", "longest message line in bytes, CRLF included (at least 1000, RFC 5321)"),
      k("signer.limits.command_timeout", DURATION, "5m", "idle time allowed between commands"),
      k("signer.limits.data_timeout", DURATION, "10m", "time allowed for the whole DATA phase"),
      k("signer.limits.max_connections_per_ip", INT, "50", "concurrent connections from one client address"),
      k("signer.shared_key.domain", STRING, "", "d= of the platform's shared DKIM signature (required for the signer role)"),
      k("signer.shared_key.selector", STRING, "", "s= of the shared signature (required for the signer role)"),
      k("signer.shared_key.private_key_file", STRING, "", "PKCS#8 PEM RSA private key of the shared signature (required for the signer role)"),
      k("signer.relay.host", STRING, "", "next hop (smarthost) host name or address (required for the signer role)"),
      k("signer.relay.port", PORT, "25", "next hop port"),
      k("signer.relay.starttls", BOOLEAN, "false", "use STARTTLS towards the next hop"),
      k("signer.relay.username", STRING, "", "AUTH user at the next hop (empty = no AUTH)"),
      k("signer.relay.password_file", STRING, "", "file holding the next hop AUTH password"),
      k("signer.relay.connect_timeout", DURATION, "30s", "connect timeout to the next hop (451 4.4.1 when it fails)"),
      k("signer.relay.max_connections", INT, "16", "idle connections to the next hop kept for reuse, per signer instance"),
      k("signer.relay.reply_timeout", DURATION, "2m", "time allowed for each next hop reply"),

      k("journal.dir", STRING, "journal", "journal segment files (written by signer, read by ingest)"),
      k("journal.max_size", SIZE, "1GB", "size cap of unshipped records; when full the signer answers 452 4.3.1"),
      k("journal.segment_size", SIZE, "64MB", "size at which a new segment file starts"),

      k("ingest.batch.max_records", INT, "1000", "records per _bulk request"),
      k("ingest.batch.max_bytes", SIZE, "5MB", "bytes per _bulk request"),
      k("ingest.batch.linger", DURATION, "200ms", "how long a partial batch waits for more records"),
      k("ingest.retry.max_backoff", DURATION, "30s", "cap of the exponential backoff between retries"),
      k("ingest.retention_days", INT, "30", "days a trace record is kept at least (weekly indices go once their last day is older)"),
      k("ingest.dead_letter_file", STRING, "dead-letter.ndjson", "records Elasticsearch refused for good (400), one a line with the reason"),

      k("api.listen.host", STRING, "0.0.0.0", "HTTP listen address of the API and web UI"),
      k("api.listen.port", PORT, "8080", "HTTP listen port"),
      k("api.jwt_secret_file", STRING, "secrets/jwt.secret", "HMAC secret signing and verifying API tokens (`mailtrace token` reads it too)"),

      k("keys.master_key_file", STRING, "secrets/master.key", "AES-256 key encrypting custom DKIM private keys at rest (mode 0600)"),
      k("keys.dns_resolvers", LIST, "", "resolvers for DKIM DNS checks as host:port (empty = the system's)"),
      k("keys.key_bits", INT, "2048", "RSA size of generated custom keys: 2048, 3072 or 4096"),
      k("keys.recheck_interval", DURATION, "5m", "how often pending keys are checked in DNS automatically"),
      k("keys.reverify_interval", DURATION, "1h", "how often active keys are re-verified in DNS"),
      k("keys.pending_expiry", DURATION, "7d", "a key never verified is removed this long after activation"),
      k("keys.refresh_interval", DURATION, "5s", "how often signers refresh their cache of active keys"),

      k("metrics.enabled", BOOLEAN, "true", "Prometheus metrics (served at /metrics by the api role)"),
      k("metrics.listen.host", STRING, "0.0.0.0", "HTTP listen address of /metrics and /health on a node without the api role"),
      k("metrics.listen.port", PORT, "0", "HTTP port of /metrics and /health on a node without the api role (signer, ingest); 0: none"));

  private static final Map<String, ConfigKey> BY_PATH = index();

  private static ConfigKey k(String path, ConfigType type, String def, String doc) {
    return new ConfigKey(path, type, def, doc);
  }

  private static Map<String, ConfigKey> index() {
    Map<String, ConfigKey> m = new LinkedHashMap<>();
    for (ConfigKey k : KEYS) {
      m.put(k.path(), k);
    }
    return m;
  }

  public static Optional<ConfigKey> find(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }

  /** Whether {@code path} is a section (a prefix of some key), e.g. {@code signer.relay}. */
  public static boolean isSection(String path) {
    String prefix = path + ".";
    return KEYS.stream().anyMatch(k -> k.path().startsWith(prefix));
  }

  /** {@code HOST_PORT} is used for list elements of {@code keys.dns_resolvers}. */
  static ConfigType resolverType() {
    return HOST_PORT;
  }
}
