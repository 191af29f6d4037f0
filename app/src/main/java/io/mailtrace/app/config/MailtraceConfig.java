package io.mailtrace.app.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration of one process, built once by {@link ConfigLoader} from the YAML file
 * and the environment. Paths are already resolved against {@code data_dir}. The sections mirror
 * the file; {@code wiring} converts them into each module's own config type.
 */
public record MailtraceConfig(
    String nodeName,
    Set<Role> roles,
    Path dataDir,
    Elasticsearch elasticsearch,
    Signer signer,
    Journal journal,
    Ingest ingest,
    Api api,
    Keys keys,
    boolean metricsEnabled,
    Listen metricsListen) {

  public MailtraceConfig {
    roles = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
  }

  public record Elasticsearch(String url, Duration requestTimeout) {}

  public record Listen(String host, int port) {}

  public record Tls(Path certFile, Path keyFile) {
    public boolean enabled() {
      return certFile != null;
    }
  }

  public record Limits(long maxMessageSize, int maxRecipients, int maxLineLength, Duration commandTimeout,
      Duration dataTimeout, int maxConnectionsPerIp) {}

  public record SharedKey(String domain, String selector, Path privateKeyFile) {}

  public record Relay(String host, int port, boolean starttls, String username, Path passwordFile,
      Duration connectTimeout, int maxConnections, Duration replyTimeout) {}

  public record Signer(Listen listen, int instances, String hostname, Tls tls, Path accountsFile,
      List<String> trustedNetworks, Limits limits, SharedKey sharedKey, Relay relay) {}

  public record Journal(Path dir, long maxSize, long segmentSize) {}

  public record Ingest(int batchMaxRecords, long batchMaxBytes, Duration batchLinger, Duration retryMaxBackoff,
      int retentionDays, Path deadLetterFile) {}

  public record Api(Listen listen, Path jwtSecretFile) {}

  public record Keys(Path masterKeyFile, List<String> dnsResolvers, int keyBits, Duration recheckInterval,
      Duration reverifyInterval, Duration pendingExpiry, Duration refreshInterval) {}

  /** A copy running only {@code newRoles} (the --roles flag). */
  public MailtraceConfig withRoles(Set<Role> newRoles) {
    return new MailtraceConfig(nodeName, newRoles, dataDir, elasticsearch, signer, journal, ingest, api, keys, metricsEnabled, metricsListen);
  }

  /**
   * Every semantic problem at once (types were checked while loading): what the enabled roles
   * need, files that must exist, ranges. Empty when the configuration can start.
   */
  public List<ConfigProblem> validate() {
    List<ConfigProblem> p = new ArrayList<>();
    if (roles.isEmpty()) {
      p.add(new ConfigProblem("roles", "", "at least one role is needed: signer, ingest, api"));
    }
    if (!elasticsearch.url().matches("https?://[^/\\s]+(/.*)?")) {
      p.add(new ConfigProblem("elasticsearch.url", elasticsearch.url(), "expected http://host:port or https://host:port"));
    }
    if (roles.contains(Role.SIGNER)) {
      validateSigner(p);
    }
    if (roles.contains(Role.SIGNER) || roles.contains(Role.INGEST)) {
      positive(p, "journal.max_size", journal.maxSize());
      positive(p, "journal.segment_size", journal.segmentSize());
      if (journal.segmentSize() < 1024) {
        p.add(new ConfigProblem("journal.segment_size", Long.toString(journal.segmentSize()), "must be at least 1KB"));
      }
      if (journal.maxSize() < 2 * journal.segmentSize()) {
        p.add(new ConfigProblem("journal.max_size", Long.toString(journal.maxSize()), "must be at least twice journal.segment_size (" + journal.segmentSize() + ")"));
      }
    }
    if (roles.contains(Role.INGEST)) {
      positive(p, "ingest.batch.max_records", ingest.batchMaxRecords());
      positive(p, "ingest.batch.max_bytes", ingest.batchMaxBytes());
      positive(p, "ingest.retention_days", ingest.retentionDays());
    }
    if (roles.contains(Role.API)) {
      requiredFile(p, "api.jwt_secret_file", api.jwtSecretFile());
      if (api.jwtSecretFile() != null && Files.isReadable(api.jwtSecretFile())) {
        try {
          if (Files.readString(api.jwtSecretFile()).trim().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
            p.add(new ConfigProblem("api.jwt_secret_file", api.jwtSecretFile().toString(), "the secret must be at least 32 bytes"));
          }
        } catch (java.io.IOException e) {
          p.add(new ConfigProblem("api.jwt_secret_file", api.jwtSecretFile().toString(), "cannot read: " + e.getMessage()));
        }
      }
    }
    if (roles.contains(Role.API) || roles.contains(Role.SIGNER)) {
      requiredFile(p, "keys.master_key_file", keys.masterKeyFile());
      if (keys.keyBits() != 2048 && keys.keyBits() != 3072 && keys.keyBits() != 4096) {
        p.add(new ConfigProblem("keys.key_bits", Integer.toString(keys.keyBits()), "expected 2048, 3072 or 4096"));
      }
      for (String r : keys.dnsResolvers()) {
        try {
          ConfigSchema.resolverType().parse(r);
        } catch (IllegalArgumentException e) {
          p.add(new ConfigProblem("keys.dns_resolvers", r, "each resolver must be host:port"));
        }
      }
      if (keys.pendingExpiry().isZero() || keys.refreshInterval().isZero()) {
        p.add(new ConfigProblem(keys.pendingExpiry().isZero() ? "keys.pending_expiry" : "keys.refresh_interval", "0", "must be positive"));
      }
    }
    return p;
  }

  private void validateSigner(List<ConfigProblem> p) {
    if (signer.instances() < 0 || signer.instances() > 64) {
      p.add(new ConfigProblem("signer.instances", Integer.toString(signer.instances()), "expected 0 (half the cores) or 1 to 64"));
    }
    Tls tls = signer.tls();
    if ((tls.certFile() == null) != (tls.keyFile() == null)) {
      p.add(new ConfigProblem(tls.certFile() == null ? "signer.tls.cert_file" : "signer.tls.key_file", "",
          "signer.tls.cert_file and signer.tls.key_file go together"));
    }
    fileIfSet(p, "signer.tls.cert_file", tls.certFile());
    fileIfSet(p, "signer.tls.key_file", tls.keyFile());
    SharedKey k = signer.sharedKey();
    required(p, "signer.shared_key.domain", k.domain());
    required(p, "signer.shared_key.selector", k.selector());
    if (!k.domain().isEmpty() && !k.domain().matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
      p.add(new ConfigProblem("signer.shared_key.domain", k.domain(), "not a domain name"));
    }
    if (!k.selector().isEmpty() && !k.selector().matches("(?i)[a-z0-9]([a-z0-9._-]*[a-z0-9])?")) {
      p.add(new ConfigProblem("signer.shared_key.selector", k.selector(), "not a DKIM selector"));
    }
    requiredFile(p, "signer.shared_key.private_key_file", k.privateKeyFile());
    required(p, "signer.relay.host", signer.relay().host());
    if (!signer.relay().username().isEmpty() && signer.relay().passwordFile() == null) {
      p.add(new ConfigProblem("signer.relay.password_file", "", "required when signer.relay.username is set"));
    }
    fileIfSet(p, "signer.relay.password_file", signer.relay().passwordFile());
    positive(p, "signer.relay.max_connections", signer.relay().maxConnections());
    Limits l = signer.limits();
    positive(p, "signer.limits.max_message_size", l.maxMessageSize());
    positive(p, "signer.limits.max_recipients", l.maxRecipients());
    if (l.maxLineLength() < 1000) {
      p.add(new ConfigProblem("signer.limits.max_line_length", Integer.toString(l.maxLineLength()), "must be at least 1000 (RFC 5321 4.5.3.1.6)"));
    }
    positive(p, "signer.limits.max_connections_per_ip", l.maxConnectionsPerIp());
    for (String n : signer.trustedNetworks()) {
      if (!n.matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
        p.add(new ConfigProblem("signer.trusted_networks", n, "expected an address or CIDR such as 10.0.0.0/8"));
      }
    }
  }

  private static void required(List<ConfigProblem> p, String key, String v) {
    if (v == null || v.isBlank()) {
      p.add(new ConfigProblem(key, null, "required"));
    }
  }

  private static void positive(List<ConfigProblem> p, String key, long v) {
    if (v <= 0) {
      p.add(new ConfigProblem(key, Long.toString(v), "must be positive"));
    }
  }

  private static void requiredFile(List<ConfigProblem> p, String key, Path f) {
    if (f == null) {
      p.add(new ConfigProblem(key, null, "required"));
    } else {
      fileIfSet(p, key, f);
    }
  }

  private static void fileIfSet(List<ConfigProblem> p, String key, Path f) {
    if (f != null && !Files.isReadable(f)) {
      p.add(new ConfigProblem(key, f.toString(), Files.exists(f) ? "file is not readable" : "file does not exist"));
    }
  }
}
