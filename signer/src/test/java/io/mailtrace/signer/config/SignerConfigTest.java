package io.mailtrace.signer.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignerConfigTest {
  @Test
  void defaultsNeedOnlyTheSharedKey() {
    assertThat(SignerConfig.defaults().validate()).containsExactly("signer.shared_key: domain, selector and key_path must be set");
    var ok = SignerConfig.defaults().withSharedKey(new SignerConfig.SharedKey("platform.test", "mt1", Path.of("k.pem")));
    assertThat(ok.validate()).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnceNamingTheKey() {
    var bad = SignerConfig.defaults()
        .withListen("", 70000)
        .withInstances(0)
        .withTls(Path.of("c.pem"), null)
        .withTrustedNetworks(List.of("10.0.0.0/8", "not-a-net"))
        .withNextHop(SignerConfig.NextHop.of("", 25))
        .withSharedKey(new SignerConfig.SharedKey("", "mt1", Path.of("k.pem")));
    assertThat(bad.validate()).containsExactly(
        "signer.listen_host: must be set",
        "signer.listen_port: must be 0..65535 (70000)",
        "signer.instances: must be >= 1 (0)",
        "signer.tls: tls_cert and tls_key must be set together",
        "signer.trusted_networks: not a CIDR (not-a-net)",
        "signer.next_hop.host: must be set",
        "signer.shared_key.domain: must be set");
  }

  @Test
  void nextHopToStringHidesThePassword() {
    var hop = new SignerConfig.NextHop("mx", 25, true, false, "user", "p4ssw0rd", 4, null, null);
    assertThat(hop.toString()).doesNotContain("p4ssw0rd");
  }
}
