package io.mailtrace.app.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** docker/: the compose file is valid for Debian's docker-compose 1.29; the Dockerfile is multi-stage and safe. */
class DockerFilesTest {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path DOCKER = REPO.resolve("docker");

  @Test
  void composeFileValidatesWithDockerCompose() throws Exception {
    Path compose = Path.of("/usr/bin/docker-compose");
    Assumptions.assumeTrue(Files.isExecutable(compose), "docker-compose is not installed (scripts/install-test-deps installs it)");
    Process p = new ProcessBuilder(compose.toString(), "-f", DOCKER.resolve("compose.yaml").toString(), "config", "-q")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();

    // the cluster profile validates too, and the resolved config has what the issue asks for
    Process full = new ProcessBuilder(compose.toString(), "-f", DOCKER.resolve("compose.yaml").toString(), "--profile", "cluster", "config")
        .redirectErrorStream(true).start();
    String resolved = new String(full.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(full.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(full.exitValue()).as(resolved).isZero();
    assertThat(resolved).contains("es01:", "es02:", "es03:", "signer:", "api:", "healthcheck:", "volumes:",
        "--roles", "signer,ingest");
  }

  @Test
  void composeFileAvoidsKeysDockerCompose129Rejects() throws Exception {
    String text = Files.readString(DOCKER.resolve("compose.yaml"));
    assertThat(text).doesNotContainPattern("(?m)^name:").doesNotContainPattern("(?m)^include:")
        .doesNotContain("start_interval").doesNotContain("required:");
  }

  @Test
  void dockerfileIsMultiStageRunsAsNonRootAndBakesNoSecret() throws Exception {
    List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
    List<String> froms = lines.stream().filter(l -> l.matches("(?i)^FROM\\s+.*")).toList();
    assertThat(froms).as("build and runtime stages").hasSizeGreaterThanOrEqualTo(2);
    assertThat(froms.get(0)).containsIgnoringCase("maven").containsIgnoringCase(" AS build");
    assertThat(froms.get(froms.size() - 1)).containsIgnoringCase("jre");
    int lastFrom = lines.indexOf(froms.get(froms.size() - 1));
    List<String> runtime = lines.subList(lastFrom, lines.size());
    // the runtime stage copies the jar from the build stage and ends as a non-root user
    assertThat(runtime).anyMatch(l -> l.startsWith("COPY --from=build"));
    String user = runtime.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("");
    assertThat(user).as("USER in the runtime stage").isNotEmpty();
    assertThat(user.substring(5).trim()).isNotIn("root", "0", "0:0");
    assertThat(runtime).anyMatch(l -> l.startsWith("HEALTHCHECK"));
    // no secret material or secret files in any stage
    String all = String.join("\n", lines);
    assertThat(all).doesNotContain("PRIVATE KEY");
    Matcher copies = Pattern.compile("(?m)^(COPY|ADD)\\s+(.*)$").matcher(all);
    while (copies.find()) {
      String args = copies.group(2).toLowerCase(Locale.ROOT);
      assertThat(args).doesNotContain(".pem", ".key", "secret", ".mailtrace", "id_rsa");
    }
    assertThat(all).doesNotContainPattern("(?i)ENV\\s+[^\\n]*(PASSWORD|SECRET|TOKEN)\\s*=");
    // the build context must not ship local state either
    // BuildKit reads <Dockerfile>.dockerignore next to the Dockerfile (the context is the repository root)
    String ignore = Files.readString(DOCKER.resolve("Dockerfile.dockerignore"));
    assertThat(ignore).contains(".mailtrace", "target");
  }
}
