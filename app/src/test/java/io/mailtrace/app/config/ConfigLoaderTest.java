package io.mailtrace.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;
  Path key;
  Path secret;
  Path master;

  @BeforeEach
  void files() throws Exception {
    key = Files.writeString(dir.resolve("dkim.pem"), "-----BEGIN PRIVATE KEY-----\n");
    secret = Files.writeString(dir.resolve("jwt.secret"), "0123456789abcdef0123456789abcdef-secret");
    master = Files.writeString(dir.resolve("master.key"), "AAAA");
  }

  private Path yaml(String text) throws Exception {
    return Files.writeString(dir.resolve("mailtrace.yaml"), text);
  }

  private String validYaml() {
    return """
        node:
          name: node-a
        data_dir: %s
        elasticsearch:
          url: http://es01:9200/
        signer:
          listen:
            port: 2587
          instances: 4
          limits:
            max_message_size: 10MB
            command_timeout: 90s
          trusted_networks: [10.0.0.0/8, 192.168.1.7]
          shared_key:
            domain: platform.example
            selector: s2026
            private_key_file: dkim.pem
          relay:
            host: smarthost.internal
            port: 587
            starttls: true
        api:
          jwt_secret_file: jwt.secret
        keys:
          master_key_file: master.key
          dns_resolvers: [127.0.0.1:5353]
        """.formatted(dir);
  }

  @Test
  void typesPathsAndDefaults() throws Exception {
    MailtraceConfig c = ConfigLoader.load(yaml(validYaml()), Map.of(), Map.of());
    assertThat(c.nodeName()).isEqualTo("node-a");
    assertThat(c.roles()).containsExactlyInAnyOrder(Role.SIGNER, Role.INGEST, Role.API);
    assertThat(c.elasticsearch().url()).isEqualTo("http://es01:9200");
    assertThat(c.signer().listen()).isEqualTo(new MailtraceConfig.Listen("0.0.0.0", 2587));
    assertThat(c.signer().instances()).isEqualTo(4);
    assertThat(c.signer().limits().maxMessageSize()).isEqualTo(10L * 1024 * 1024);
    assertThat(c.signer().limits().commandTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.signer().limits().dataTimeout()).isEqualTo(Duration.ofMinutes(10)); // default
    assertThat(c.signer().trustedNetworks()).containsExactly("10.0.0.0/8", "192.168.1.7");
    assertThat(c.signer().sharedKey().privateKeyFile()).isEqualTo(key); // relative to data_dir
    assertThat(c.signer().relay()).extracting(MailtraceConfig.Relay::host, MailtraceConfig.Relay::port, MailtraceConfig.Relay::starttls)
        .containsExactly("smarthost.internal", 587, true);
    assertThat(c.signer().hostname()).isEqualTo("node-a"); // defaults to the node name
    assertThat(c.journal().dir()).isEqualTo(dir.resolve("journal"));
    assertThat(c.journal().maxSize()).isEqualTo(1024L * 1024 * 1024);
    assertThat(c.ingest().batchLinger()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.keys().pendingExpiry()).isEqualTo(Duration.ofDays(7));
    assertThat(c.keys().dnsResolvers()).containsExactly("127.0.0.1:5353");
    assertThat(c.signer().tls().enabled()).isFalse();
  }

  @Test
  void environmentOverridesTheFileAndNamesTheVariableInErrors() throws Exception {
    MailtraceConfig c = ConfigLoader.load(yaml(validYaml()), Map.of(
        "MAILTRACE_SIGNER_LISTEN_PORT", "25",
        "MAILTRACE_ROLES", "signer,ingest",
        "MAILTRACE_SIGNER_TRUSTED_NETWORKS", "172.16.0.0/12, 10.1.0.0/16",
        "MAILTRACE_JAVA_OPTS", "-Xmx1g",
        "PATH", "/usr/bin"), Map.of());
    assertThat(c.signer().listen().port()).isEqualTo(25);
    assertThat(c.roles()).containsExactlyInAnyOrder(Role.SIGNER, Role.INGEST);
    assertThat(c.signer().trustedNetworks()).containsExactly("172.16.0.0/12", "10.1.0.0/16");

    assertThatThrownBy(() -> ConfigLoader.load(yaml(validYaml()), Map.of("MAILTRACE_SIGNER_LISTEN_PORT", "smtp"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("signer.listen.port (from MAILTRACE_SIGNER_LISTEN_PORT)")
        .hasMessageContaining("\"smtp\"");
  }

  @Test
  void overridesWinOverEnvironment() throws Exception {
    MailtraceConfig c = ConfigLoader.load(yaml(validYaml()), Map.of("MAILTRACE_ROLES", "signer"), Map.of("roles", "api"));
    assertThat(c.roles()).containsExactly(Role.API);
  }

  @Test
  void everyEnvironmentNameIsDerivedFromItsPath() {
    assertThat(ConfigSchema.find("signer.listen.port").orElseThrow().envName()).isEqualTo("MAILTRACE_SIGNER_LISTEN_PORT");
    assertThat(ConfigSchema.find("ingest.batch.max_records").orElseThrow().envName()).isEqualTo("MAILTRACE_INGEST_BATCH_MAX_RECORDS");
    assertThat(ConfigSchema.KEYS.stream().map(ConfigKey::envName).distinct().count()).isEqualTo(ConfigSchema.KEYS.size());
  }

  @Test
  void unknownKeysAndVariablesAreProblems() throws Exception {
    String text = validYaml() + """
        sigener:
          port: 25
        ingest:
          batch:
            max_recods: 5
        """;
    ConfigException e = catchConfig(yaml(text), Map.of("MAILTRACE_SIGNER_PORT", "25"));
    assertThat(e.problems()).extracting(ConfigProblem::key)
        .contains("sigener", "ingest.batch.max_recods", "MAILTRACE_SIGNER_PORT");
    assertThat(e.problems()).filteredOn(p -> p.key().equals("ingest.batch.max_recods"))
        .singleElement().extracting(ConfigProblem::message).asString().contains("did you mean ingest.batch.max_records");
  }

  @Test
  void everyProblemIsReportedAtOnceNamingKeyAndValue() throws Exception {
    String text = """
        roles: [signer, api, mailer]
        elasticsearch:
          url: es01:9200
          request_timeout: forever
        signer:
          listen:
            port: 70000
          instances: many
          limits:
            max_message_size: 10 parsecs
          relay:
            starttls: maybe
        """;
    ConfigException e = catchConfig(yaml(text), Map.of());
    // type errors first (the tree cannot be built without them fixed), all of them
    assertThat(e.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
        "roles", "elasticsearch.request_timeout", "signer.listen.port", "signer.instances",
        "signer.limits.max_message_size", "signer.relay.starttls");
    assertThat(e.problems()).filteredOn(p -> p.key().equals("roles")).singleElement()
        .extracting(ConfigProblem::value).isEqualTo("mailer");
    assertThat(e.problems()).filteredOn(p -> p.key().equals("signer.listen.port")).singleElement()
        .satisfies(p -> {
          assertThat(p.value()).isEqualTo("70000");
          assertThat(p.message()).contains("0-65535");
        });
  }

  @Test
  void semanticValidationListsEverythingTheRolesNeed() throws Exception {
    String text = """
        data_dir: %s
        elasticsearch:
          url: es01:9200
        signer:
          instances: -1
          tls:
            cert_file: missing.crt
          shared_key:
            domain: not a domain
          limits:
            max_line_length: 80
          trusted_networks: [everyone]
        api:
          jwt_secret_file: nope.secret
        keys:
          key_bits: 1024
        """.formatted(dir);
    ConfigException e = catchConfig(yaml(text), Map.of());
    assertThat(e.problems()).extracting(ConfigProblem::key).contains(
        "elasticsearch.url", "signer.instances", "signer.tls.key_file", "signer.tls.cert_file",
        "signer.shared_key.domain", "signer.shared_key.selector", "signer.shared_key.private_key_file",
        "signer.relay.host", "signer.limits.max_line_length", "signer.trusted_networks",
        "api.jwt_secret_file", "keys.key_bits");
    assertThat(e.problems()).filteredOn(p -> p.key().equals("api.jwt_secret_file")).singleElement()
        .satisfies(p -> assertThat(p.message()).isEqualTo("file does not exist"));
    assertThat(e.getMessage()).contains("keys.key_bits: expected 2048, 3072 or 4096 (got \"1024\")");
  }

  @Test
  void rolesDecideWhatIsRequired() throws Exception {
    // an ingest-only node needs neither DKIM keys nor a relay nor the JWT secret
    MailtraceConfig c = ConfigLoader.load(yaml("data_dir: " + dir + "\nroles: [ingest]\n"), Map.of(), Map.of());
    assertThat(c.roles()).containsExactly(Role.INGEST);
    assertThat(c.withRoles(Set.of(Role.SIGNER)).validate()).extracting(ConfigProblem::key)
        .contains("signer.relay.host", "signer.shared_key.domain");
  }

  @Test
  void malformedYamlIsOneClearProblem() throws Exception {
    ConfigException e = catchConfig(yaml("signer:\n  listen: [\n"), Map.of());
    assertThat(e.problems()).singleElement().extracting(ConfigProblem::message).asString().startsWith("not valid YAML");
    ConfigException e2 = catchConfig(yaml("- a\n- b\n"), Map.of());
    assertThat(e2.problems()).singleElement().extracting(ConfigProblem::message).asString().contains("mapping");
  }

  @Test
  void sectionGivenAScalarIsAProblem() throws Exception {
    ConfigException e = catchConfig(yaml("signer: yes\n"), Map.of());
    assertThat(e.problems()).extracting(ConfigProblem::key).contains("signer");
  }

  @Test
  void theExampleFileDocumentsEveryKeyWithItsDefault() throws Exception {
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    Path example = repo.resolve("mailtrace.example.yaml");
    assertThat(example).exists();
    assertThat(Files.readString(example)).isEqualTo(ExampleConfig.render());
    // and it loads: no unknown keys, every value of the right type
    MailtraceConfig fromExample = ConfigLoader.loadUnvalidated(example, Map.of(), Map.of());
    MailtraceConfig defaults = ConfigLoader.loadUnvalidated(null, Map.of(), Map.of());
    assertThat(fromExample).isEqualTo(defaults);
    for (ConfigKey k : ConfigSchema.KEYS) {
      assertThat(Files.readString(example)).contains(k.path().substring(k.path().lastIndexOf('.') + 1) + ":");
      assertThat(k.doc()).isNotBlank();
    }
  }

  @Test
  void typeParsers() {
    assertThat(ConfigType.SIZE.parse("64KB")).isEqualTo(65536L);
    assertThat(ConfigType.SIZE.parse("1gb")).isEqualTo(1L << 30);
    assertThat(ConfigType.SIZE.parse(512)).isEqualTo(512L);
    assertThat(ConfigType.DURATION.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(ConfigType.DURATION.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigType.HOST_PORT.parse("127.0.0.1:5353")).isEqualTo("127.0.0.1:5353");
    assertThat(ConfigType.LIST.parse(List.of("a", 1))).isEqualTo(List.of("a", "1"));
    for (Object bad : List.of("5 weeks", "-1s", "s")) {
      assertThatThrownBy(() -> ConfigType.DURATION.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ConfigType.HOST_PORT.parse("dns:99999")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigType.INT.parse(Map.of("a", 1))).isInstanceOf(IllegalArgumentException.class);
  }

  private static ConfigException catchConfig(Path file, Map<String, String> env) {
    try {
      ConfigLoader.load(file, env, Map.of());
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }
}
