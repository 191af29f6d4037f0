package io.mailtrace.app.wiring;

import io.mailtrace.api.ApiConfig;
import io.mailtrace.app.config.ConfigProblem;
import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.app.config.Role;
import io.mailtrace.ingest.IngestConfig;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.keys.KeysConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts the file-shaped {@link MailtraceConfig} into each module's own config record — the one
 * place that knows both. Secrets named by path (JWT secret, relay password) are read here, on the
 * main thread before Vert.x work starts.
 */
public final class ModuleConfigs {
  /** Records per group commit of the journal: the module's measured default. */
  private static final int GROUP_COMMIT_RECORDS = JournalConfig.DEFAULT_MAX_GROUP_COMMIT_RECORDS;

  private ModuleConfigs() {}

  public static JournalConfig journal(MailtraceConfig c) {
    return new JournalConfig(c.journal().dir(), c.journal().segmentSize(), c.journal().maxSize(), GROUP_COMMIT_RECORDS);
  }

  public static IngestConfig ingest(MailtraceConfig c) {
    MailtraceConfig.Ingest i = c.ingest();
    IngestConfig d = IngestConfig.defaults(c.elasticsearch().url(), i.deadLetterFile());
    return d.withBatch(i.batchMaxRecords(), i.batchMaxBytes(), i.batchLinger())
        .withRetry(d.retryBase(), i.retryMaxBackoff(), c.elasticsearch().requestTimeout())
        .withRetention(i.retentionDays(), d.retentionInterval());
  }

  public static SignerConfig signer(MailtraceConfig c) {
    MailtraceConfig.Signer s = c.signer();
    MailtraceConfig.Relay r = s.relay();
    SignerConfig.Limits d = SignerConfig.Limits.defaults();
    SignerConfig.Limits limits = new SignerConfig.Limits(s.limits().maxMessageSize(), s.limits().maxRecipients(),
        d.maxCommandLine(), s.limits().maxLineLength(), s.limits().commandTimeout(), s.limits().dataTimeout(),
        s.limits().maxConnectionsPerIp(), d.maxErrors());
    SignerConfig.NextHop hop = new SignerConfig.NextHop(r.host(), r.port(), r.starttls(), false,
        r.username().isEmpty() ? null : r.username(), r.passwordFile() == null ? null : read(r.passwordFile()),
        r.maxConnections(), r.connectTimeout(), r.replyTimeout());
    int instances = s.instances() == 0 ? SignerConfig.defaultInstances() : s.instances();
    return new SignerConfig(s.listen().host(), s.listen().port(), instances, s.hostname(),
        s.tls().certFile(), s.tls().keyFile(), limits, s.trustedNetworks(), hop,
        new SignerConfig.SharedKey(s.sharedKey().domain(), s.sharedKey().selector(), s.sharedKey().privateKeyFile()),
        s.accountsFile(), c.nodeName());
  }

  public static KeysConfig keys(MailtraceConfig c) {
    MailtraceConfig.Keys k = c.keys();
    KeysConfig d = KeysConfig.defaults(c.elasticsearch().url(), k.masterKeyFile());
    return new KeysConfig(d.esUrl(), d.index(), k.masterKeyFile(), k.dnsResolvers(), d.dnsTimeout(), k.keyBits(),
        k.pendingExpiry(), k.recheckInterval(), k.reverifyInterval(), minimum(d.lifecycleTick(), k.recheckInterval()),
        k.refreshInterval());
  }

  public static ApiConfig api(MailtraceConfig c) {
    return new ApiConfig(c.api().listen().host(), c.api().listen().port(), read(c.api().jwtSecretFile()),
        List.of(c.elasticsearch().url()), List.of(), c.elasticsearch().requestTimeout());
  }

  /**
   * The modules' own checks for the roles that run, as problems (the module names the key in its
   * message). Run after {@link MailtraceConfig#validate()} passed, so every file exists.
   */
  public static List<ConfigProblem> validate(MailtraceConfig c) {
    List<ConfigProblem> p = new ArrayList<>();
    boolean signer = c.roles().contains(Role.SIGNER);
    boolean ingest = c.roles().contains(Role.INGEST);
    boolean api = c.roles().contains(Role.API);
    if (signer || ingest) {
      add(p, "journal", journal(c).validate());
    }
    if (ingest) {
      add(p, "ingest", ingest(c).validate());
    }
    if (signer) {
      add(p, "signer", signer(c).validate());
    }
    if (signer || api) {
      add(p, "keys", keys(c).validate());
    }
    if (api) {
      add(p, "api", api(c).validate());
    }
    return p;
  }

  /** Modules name their fields; the user knows the file's keys. */
  private static final java.util.Map<String, String> FILE_KEYS = java.util.Map.ofEntries(
      java.util.Map.entry("keys.cache_refresh", "keys.refresh_interval"),
      java.util.Map.entry("keys.rsa_bits", "keys.key_bits"),
      java.util.Map.entry("keys.resolvers", "keys.dns_resolvers"),
      java.util.Map.entry("keys.pending_ttl", "keys.pending_expiry"),
      java.util.Map.entry("keys.pending_recheck", "keys.recheck_interval"),
      java.util.Map.entry("keys.active_recheck", "keys.reverify_interval"),
      java.util.Map.entry("signer.listen_port", "signer.listen.port"),
      java.util.Map.entry("signer.next_hop.host", "signer.relay.host"),
      java.util.Map.entry("signer.next_hop.port", "signer.relay.port"),
      java.util.Map.entry("signer.limits.max_message_bytes", "signer.limits.max_message_size"),
      java.util.Map.entry("signer.limits.max_data_line", "signer.limits.max_line_length"),
      java.util.Map.entry("journal.segment-bytes", "journal.segment_size"),
      java.util.Map.entry("journal.max-total-bytes", "journal.max_size"),
      java.util.Map.entry("ingest.batch-max-records", "ingest.batch.max_records"),
      java.util.Map.entry("api.jwt_secret", "api.jwt_secret_file"),
      java.util.Map.entry("api.port", "api.listen.port"));

  private static void add(List<ConfigProblem> p, String section, List<String> errors) {
    for (String e : errors) {
      int colon = e.indexOf(':');
      if (colon > 0) {
        String key = e.substring(0, colon);
        p.add(new ConfigProblem(FILE_KEYS.getOrDefault(key, key), null, e.substring(colon + 1).trim()));
      } else {
        p.add(new ConfigProblem(section, null, e));
      }
    }
  }

  private static Duration minimum(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
