package io.mailtrace.signer.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external test peers (swaks, smtplib, openssl, smtp-source) with a deadline. */
final class Procs {
  private Procs() {}

  record Result(int exit, String output) {}

  static Result run(Path dir, long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[][] out = new byte[1][];
    Thread t = new Thread(() -> {
      try {
        out[0] = p.getInputStream().readAllBytes();
      } catch (IOException e) {
        out[0] = new byte[0];
      }
    });
    t.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    t.join(10_000);
    return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
  }

  /** smtp-sink refuses to run as root without -u. */
  static List<String> smtpSink(String address) {
    var cmd = new java.util.ArrayList<>(List.of("smtp-sink", "-c"));
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("-u", "nobody"));
    }
    cmd.addAll(List.of(address, "256"));
    return cmd;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A self-signed certificate for STARTTLS made with the openssl CLI (test-only key, never committed). */
  static void selfSignedCert(Path dir) throws IOException, InterruptedException {
    Result r = run(dir, 60, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost"));
    if (r.exit() != 0) {
      throw new IllegalStateException("openssl failed: " + r.output());
    }
    io.mailtrace.testkit.KeyMaterialRegistry.rememberPem(java.nio.file.Files.readString(dir.resolve("key.pem")));
  }
}
