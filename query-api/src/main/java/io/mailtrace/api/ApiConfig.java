package io.mailtrace.api;

import io.mailtrace.api.auth.TokenIssuer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed configuration of the API role (built by the app from YAML + environment).
 *
 * @param host listen address, e.g. {@code 127.0.0.1}
 * @param port listen port (0 = any free port, for tests)
 * @param jwtSecret HS256 secret for bearer tokens (≥ 32 bytes); also keys the paging cursors
 * @param elasticsearchUrls one or more node URLs, e.g. {@code http://127.0.0.1:9200}
 * @param corsOrigins allowed browser origins for cross-origin calls; empty = CORS off (the UI is same-origin)
 * @param elasticsearchTimeout per-request timeout towards Elasticsearch
 */
public record ApiConfig(
    String host,
    int port,
    String jwtSecret,
    List<String> elasticsearchUrls,
    List<String> corsOrigins,
    Duration elasticsearchTimeout) {

  public ApiConfig {
    elasticsearchUrls = elasticsearchUrls == null ? List.of() : List.copyOf(elasticsearchUrls);
    corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    elasticsearchTimeout = elasticsearchTimeout == null ? Duration.ofSeconds(30) : elasticsearchTimeout;
  }

  /** Defaults for everything but the secret and Elasticsearch. */
  public static ApiConfig of(String host, int port, String jwtSecret, List<String> elasticsearchUrls) {
    return new ApiConfig(host, port, jwtSecret, elasticsearchUrls, List.of(), Duration.ofSeconds(30));
  }

  /** Every problem at once, each naming its key (prefix {@code api.}); empty when valid. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (host == null || host.isBlank()) {
      errors.add("api.host: must not be empty");
    }
    if (port < 0 || port > 65535) {
      errors.add("api.port: " + port + " is not a port number");
    }
    if (jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length < TokenIssuer.MIN_SECRET_LENGTH) {
      errors.add("api.jwt_secret: must be at least " + TokenIssuer.MIN_SECRET_LENGTH + " bytes");
    }
    if (elasticsearchUrls.isEmpty()) {
      errors.add("elasticsearch.urls: at least one URL is needed");
    }
    for (String u : elasticsearchUrls) {
      try {
        URI uri = URI.create(u);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          errors.add("elasticsearch.urls: '" + u + "' is not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        errors.add("elasticsearch.urls: '" + u + "' is not a URL");
      }
    }
    for (String o : corsOrigins) {
      if (!o.startsWith("http://") && !o.startsWith("https://")) {
        errors.add("api.cors_origins: '" + o + "' is not an origin (http(s)://host[:port])");
      }
    }
    if (elasticsearchTimeout.isNegative() || elasticsearchTimeout.isZero()) {
      errors.add("elasticsearch.timeout: must be positive");
    }
    return errors;
  }

  @Override
  public String toString() {
    return "ApiConfig[host=" + host + ", port=" + port + ", jwtSecret=<hidden>, elasticsearchUrls=" + elasticsearchUrls
        + ", corsOrigins=" + corsOrigins + ", elasticsearchTimeout=" + elasticsearchTimeout + "]";
  }
}
