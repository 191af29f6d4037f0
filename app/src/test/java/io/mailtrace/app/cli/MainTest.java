package io.mailtrace.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir
  Path dir;

  record Result(int rc, String out, String err) {}

  /** Runs the CLI in-process, capturing both streams (shared with the other CLI tests of this package). */
  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryCommand() {
    Result r = run("help");
    assertThat(r.rc()).isZero();
    assertThat(r.out()).contains("dev", "run", "token", "account", "--roles", "--es-url", "MAILTRACE_SIGNER_LISTEN_PORT");
    assertThat(run().out()).isEqualTo(r.out());
  }

  @Test
  void usageErrorsAreOneLineAndExitTwo() {
    for (String[] args : List.of(
        new String[] {"frobnicate"},
        new String[] {"dev", "--smtp-port", "99999"},
        new String[] {"dev", "--colour"},
        new String[] {"dev", "--es-url", "es01"},
        new String[] {"run", "--config", dir.resolve("absent.yaml").toString()},
        new String[] {"run", "--config"},
        new String[] {"token"},
        new String[] {"token", "--role", "root"},
        new String[] {"token", "--role", "domain-admin"},
        new String[] {"token", "--role", "support", "--domain", "a.example"},
        new String[] {"token", "--role", "admin", "--ttl", "soon"},
        new String[] {"account", "rename"})) {
      Result r = run(args);
      assertThat(r.rc()).as(String.join(" ", args)).isEqualTo(Main.USAGE);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("mailtrace: ").doesNotContain("Exception", "\tat ");
      assertThat(r.err().lines().count()).isEqualTo(2);
    }
  }

  @Test
  void invalidConfigurationListsEveryProblemAndExitsTwo() throws Exception {
    Path cfg = Files.writeString(dir.resolve("bad.yaml"), """
        data_dir: %s
        signer:
          listen:
            port: -1
          instances: lots
        ingest:
          batch:
            max_recods: 10
        """.formatted(dir));
    Result r = run("run", "--config", cfg.toString());
    assertThat(r.rc()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("invalid configuration (3 problems)", "signer.listen.port", "signer.instances",
        "ingest.batch.max_recods").doesNotContain("\tat ");
  }

  @Test
  void rolesFlagIsValidatedLikeTheFile() throws Exception {
    Path cfg = Files.writeString(dir.resolve("ok.yaml"), "data_dir: " + dir + "\n");
    Result r = run("run", "--config", cfg.toString(), "--roles", "ingest,mailer");
    assertThat(r.rc()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("roles: unknown role; expected signer, ingest or api (got \"mailer\")");
  }

  @Test
  void tokenIsAnHs256JwtWithRoleAndDomains() throws Exception {
    Path secret = Files.writeString(dir.resolve("jwt.secret"), "top-secret-top-secret-top-secret-42\n");
    Path cfg = Files.writeString(dir.resolve("m.yaml"), "data_dir: " + dir + "\napi:\n  jwt_secret_file: jwt.secret\n");
    Result r = run("token", "--role", "domain-admin", "--domain", "a.example", "--domain", "B.example", "--ttl", "2h", "--config", cfg.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    String[] parts = r.out().trim().split("\\.");
    assertThat(parts).hasSize(3);
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    assertThat(payload).contains("\"role\":\"domain-admin\"", "\"domains\":[\"a.example\",\"b.example\"]");
    long iat = Long.parseLong(payload.replaceAll(".*\"iat\":(\\d+).*", "$1"));
    long exp = Long.parseLong(payload.replaceAll(".*\"exp\":(\\d+).*", "$1"));
    assertThat(exp - iat).isEqualTo(7200);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("top-secret-top-secret-top-secret-42".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII)));
    assertThat(parts[2]).isEqualTo(expected);
    assertThat(secret).exists();
  }

  @Test
  void tokenWithoutASecretSaysWhereItLooked() {
    Result r = run("token", "--role", "admin", "--data-dir", dir.resolve("nothing-here").toString());
    assertThat(r.rc()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("JWT secret file not found", "nothing-here");
  }

  @Test
  void configExampleIsPrinted() {
    Result r = run("config-example");
    assertThat(r.rc()).isZero();
    assertThat(r.out()).contains("signer:", "max_message_size: 25MB");
  }
}
