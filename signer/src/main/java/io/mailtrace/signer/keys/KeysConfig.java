package io.mailtrace.signer.keys;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed configuration of custom DKIM key management.
 *
 * @param esUrl Elasticsearch base URL, e.g. {@code http://127.0.0.1:9200}
 * @param index the keys index (default {@code mailtrace-dkim-keys})
 * @param masterKeyFile file holding the 32-byte AES master key (raw or base64)
 * @param resolvers DNS resolvers as {@code host:port} (or {@code host}); empty = the system's
 * @param dnsTimeout per-query timeout
 * @param rsaBits size of generated keys: 2048 (default), 3072 or 4096
 * @param pendingTtl a key never verified is removed this long after activation (7 days)
 * @param pendingRecheck how often pending keys are re-checked
 * @param activeRecheck how often active keys are re-verified
 * @param lifecycleTick how often the lifecycle verticle looks for due work
 * @param cacheRefresh how often signers reload active keys (must stay well under 10 s)
 */
public record KeysConfig(
    String esUrl,
    String index,
    Path masterKeyFile,
    List<String> resolvers,
    Duration dnsTimeout,
    int rsaBits,
    Duration pendingTtl,
    Duration pendingRecheck,
    Duration activeRecheck,
    Duration lifecycleTick,
    Duration cacheRefresh) {

  public static final String DEFAULT_INDEX = "mailtrace-dkim-keys";

  public KeysConfig {
    resolvers = resolvers == null ? List.of() : List.copyOf(resolvers);
  }

  /** Defaults for everything but where Elasticsearch and the master key are. */
  public static KeysConfig defaults(String esUrl, Path masterKeyFile) {
    return new KeysConfig(
        esUrl,
        DEFAULT_INDEX,
        masterKeyFile,
        List.of(),
        Duration.ofSeconds(5),
        2048,
        Duration.ofDays(7),
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        Duration.ofMinutes(1),
        Duration.ofSeconds(3));
  }

  public KeysConfig withResolvers(List<String> r) {
    return new KeysConfig(esUrl, index, masterKeyFile, r, dnsTimeout, rsaBits, pendingTtl,
        pendingRecheck, activeRecheck, lifecycleTick, cacheRefresh);
  }

  public KeysConfig withIndex(String i) {
    return new KeysConfig(esUrl, i, masterKeyFile, resolvers, dnsTimeout, rsaBits, pendingTtl,
        pendingRecheck, activeRecheck, lifecycleTick, cacheRefresh);
  }

  public KeysConfig withDnsTimeout(Duration d) {
    return new KeysConfig(esUrl, index, masterKeyFile, resolvers, d, rsaBits, pendingTtl,
        pendingRecheck, activeRecheck, lifecycleTick, cacheRefresh);
  }

  public KeysConfig withCacheRefresh(Duration d) {
    return new KeysConfig(esUrl, index, masterKeyFile, resolvers, dnsTimeout, rsaBits, pendingTtl,
        pendingRecheck, activeRecheck, lifecycleTick, d);
  }

  /** Every problem at once, each naming the key and the value. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (esUrl == null || !(esUrl.startsWith("http://") || esUrl.startsWith("https://"))) {
      errors.add("keys.es_url: must be an http(s) URL, got " + esUrl);
    }
    if (index == null || !index.matches("[a-z0-9][a-z0-9._-]*")) {
      errors.add("keys.index: not a valid index name: " + index);
    }
    if (masterKeyFile == null) {
      errors.add("keys.master_key_file: required");
    }
    for (String r : resolvers) {
      if (!r.matches("[A-Za-z0-9.:\\[\\]-]+?(:\\d{1,5})?")) {
        errors.add("keys.resolvers: not host[:port]: " + r);
      }
    }
    if (rsaBits != 2048 && rsaBits != 3072 && rsaBits != 4096) {
      errors.add("keys.rsa_bits: must be 2048, 3072 or 4096, got " + rsaBits);
    }
    positive(errors, "keys.dns_timeout", dnsTimeout);
    positive(errors, "keys.pending_ttl", pendingTtl);
    positive(errors, "keys.pending_recheck", pendingRecheck);
    positive(errors, "keys.active_recheck", activeRecheck);
    positive(errors, "keys.lifecycle_tick", lifecycleTick);
    positive(errors, "keys.cache_refresh", cacheRefresh);
    if (cacheRefresh != null && cacheRefresh.compareTo(Duration.ofSeconds(8)) > 0) {
      errors.add("keys.cache_refresh: must be at most 8s so changes reach signers within 10s, got "
          + cacheRefresh);
    }
    return errors;
  }

  private static void positive(List<String> errors, String key, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      errors.add(key + ": must be a positive duration, got " + d);
    }
  }
}
