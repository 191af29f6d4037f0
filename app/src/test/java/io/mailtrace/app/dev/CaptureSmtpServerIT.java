package io.mailtrace.app.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev next hop against a real SMTP client (swaks, with pipelining and dot-stuffing). */
class CaptureSmtpServerIT {
  @TempDir
  Path dir;
  Vertx vertx;
  CaptureSmtpServer server;
  int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = new CaptureSmtpServer(vertx, dir.resolve("outbox"));
    port = server.start(0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void swaksMessageIsWrittenExactlyAsEml() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/swaks")), "swaks is not installed (scripts/install-test-deps)");
    Path body = Files.writeString(dir.resolve("msg.eml"),
        "From: a@demo.example\r\nTo: b@example.net\r\nSubject: capture\r\n\r\nline one\r\n.starts with a dot\r\n..two dots");
    for (String pipelining : List.of("--pipeline", "--no-pipeline")) {
      Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + port, pipelining, "--from", "a@demo.example",
          "--to", "b@example.net", "--to", "c@example.net", "--data", "@" + body)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("250 2.0.0 Captured as");
    }
    List<Path> emls;
    try (Stream<Path> s = Files.list(dir.resolve("outbox"))) {
      emls = s.sorted().toList();
    }
    assertThat(emls).hasSize(2).allSatisfy(f -> assertThat(f.getFileName().toString()).endsWith(".eml"));
    for (Path f : emls) {
      // swaks ends DATA with CRLF . CRLF after the last line: the message is the file plus that line end
      assertThat(Files.readString(f)).isEqualTo(Files.readString(body) + "\r\n");
    }
  }
}
