package io.mailtrace.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailtrace.app.config.ConfigException;
import io.mailtrace.app.config.ConfigLoader;
import io.mailtrace.app.config.ConfigProblem;
import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.signer.config.SignerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file-shaped config reaches each module's own record unchanged, and module checks are reported too. */
class ModuleConfigsTest {
  @TempDir
  Path dir;

  private MailtraceConfig load(String extra) throws Exception {
    return load(extra, Map.of());
  }

  private MailtraceConfig load(String extra, Map<String, String> overrides) throws Exception {
    Files.writeString(dir.resolve("dkim.pem"), "pem");
    Files.writeString(dir.resolve("jwt.secret"), "0123456789abcdef0123456789abcdef-secret\n");
    Files.writeString(dir.resolve("master.key"), "AAAA");
    Files.writeString(dir.resolve("relay.pw"), "hop-password\n");
    Path yaml = Files.writeString(dir.resolve("m.yaml"), """
        node:
          name: n1
        data_dir: %s
        elasticsearch:
          url: http://es:9200
          request_timeout: 20s
        signer:
          listen: {host: 127.0.0.1, port: 2526}
          instances: 3
          limits: {max_message_size: 1MB, max_recipients: 7}
          shared_key: {domain: p.example, selector: s1, private_key_file: dkim.pem}
          relay: {host: hop.internal, port: 587, starttls: true, username: u, password_file: relay.pw}
        ingest:
          batch: {max_records: 250, linger: 1s}
          retention_days: 9
        api:
          listen: {port: 9090}
          jwt_secret_file: jwt.secret
        keys:
          master_key_file: master.key
          dns_resolvers: [127.0.0.1:5353]
          key_bits: 3072
        %s
        """.formatted(dir, extra));
    return ConfigLoader.load(yaml, Map.of(), overrides);
  }

  @Test
  void signerInstancesZeroMeansHalfTheCoresAtLeastOne() throws Exception {
    SignerConfig s = ModuleConfigs.signer(load("", Map.of("signer.instances", "0")));
    assertThat(s.instances())
        .isEqualTo(SignerConfig.defaultInstances())
        .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  @Test
  void eachModuleGetsItsSection() throws Exception {
    MailtraceConfig c = load("");
    SignerConfig s = ModuleConfigs.signer(c);
    assertThat(s.listenPort()).isEqualTo(2526);
    assertThat(s.instances()).isEqualTo(3);
    assertThat(s.limits().maxMessageBytes()).isEqualTo(1024 * 1024);
    assertThat(s.limits().maxRecipients()).isEqualTo(7);
    assertThat(s.nextHop().address()).isEqualTo("hop.internal:587");
    assertThat(s.nextHop().startTls()).isTrue();
    assertThat(s.nextHop().password()).isEqualTo("hop-password");
    assertThat(s.nextHop().toString()).doesNotContain("hop-password");
    assertThat(s.sharedKey().keyPath()).isEqualTo(dir.resolve("dkim.pem"));
    assertThat(s.nodeName()).isEqualTo("n1");

    assertThat(ModuleConfigs.ingest(c).batchMaxRecords()).isEqualTo(250);
    assertThat(ModuleConfigs.ingest(c).linger()).isEqualTo(Duration.ofSeconds(1));
    assertThat(ModuleConfigs.ingest(c).retentionDays()).isEqualTo(9);
    assertThat(ModuleConfigs.ingest(c).elasticsearchUrls()).containsExactly("http://es:9200");
    assertThat(ModuleConfigs.ingest(c).requestTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(ModuleConfigs.journal(c).directory()).isEqualTo(dir.resolve("journal"));

    assertThat(ModuleConfigs.api(c).port()).isEqualTo(9090);
    assertThat(ModuleConfigs.api(c).jwtSecret()).isEqualTo("0123456789abcdef0123456789abcdef-secret");
    assertThat(ModuleConfigs.keys(c).rsaBits()).isEqualTo(3072);
    assertThat(ModuleConfigs.keys(c).resolvers()).containsExactly("127.0.0.1:5353");
    assertThat(ModuleConfigs.validate(c)).isEmpty();
  }

  @Test
  void journalCapBelowTwoSegmentsIsRefused() {
    // 2 MB cap with 64 MB segments: a segment could never be rolled
    assertThatThrownBy(() -> load("journal: {max_size: 2MB, segment_size: 64MB}"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(ConfigProblem::key).contains("journal.max_size"));
  }

  @Test
  void moduleChecksAreReportedUnderTheFileKey() throws Exception {
    // only the keys module knows the 8 s limit (changes must reach signers within 10 s)
    MailtraceConfig c = load("");
    List<ConfigProblem> p = ModuleConfigs.validate(new MailtraceConfig(c.nodeName(), c.roles(), c.dataDir(), c.elasticsearch(),
        c.signer(), c.journal(), c.ingest(), c.api(),
        new MailtraceConfig.Keys(c.keys().masterKeyFile(), List.of(), 2048, c.keys().recheckInterval(), c.keys().reverifyInterval(),
            c.keys().pendingExpiry(), Duration.ofSeconds(30)), true, c.metricsListen()));
    assertThat(p).extracting(ConfigProblem::key).contains("keys.refresh_interval");
  }
}
