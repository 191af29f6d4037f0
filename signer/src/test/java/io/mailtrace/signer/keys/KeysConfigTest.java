package io.mailtrace.signer.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysConfigTest {
  @Test
  void defaultsAreValid() {
    assertThat(KeysConfig.defaults("http://127.0.0.1:9200", Path.of("m.key")).validate()).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnceNamingTheKey() {
    KeysConfig c = new KeysConfig("localhost:9200", "Bad Index", null, List.of("127.0.0.1:53", "bad host!"),
        Duration.ZERO, 1024, Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofHours(1),
        Duration.ofMinutes(1), Duration.ofSeconds(30));
    assertThat(c.validate()).hasSize(7).anyMatch(e -> e.startsWith("keys.es_url"))
        .anyMatch(e -> e.startsWith("keys.index")).anyMatch(e -> e.startsWith("keys.master_key_file"))
        .anyMatch(e -> e.contains("bad host!")).anyMatch(e -> e.startsWith("keys.dns_timeout"))
        .anyMatch(e -> e.contains("1024")).anyMatch(e -> e.startsWith("keys.cache_refresh"));
  }
}
