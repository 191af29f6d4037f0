package io.mailtrace.signer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.testing.Fakes;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signer over real sockets against real peers: swaks and Python smtplib as clients (STARTTLS,
 * AUTH PLAIN/LOGIN, with and without pipelining), aiosmtpd as the next hop (refusing one
 * recipient), Postfix smtp-source → signer → smtp-sink through a trusted network.
 * The DKIM signer here is a fake of our MessageSigner port (the real one is tested in its package).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpInteropIT {
  Path dir;
  Vertx vertx;
  Process nextHop;
  Path hopOut;
  int hopPort;
  SignerHarness signer;
  int port;
  SignerHarness trusted;
  int trustedPort;
  Process sink;
  int sinkPort;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    vertx = Vertx.vertx();
    Procs.selfSignedCert(dir);
    hopOut = Files.createDirectories(dir.resolve("hop"));
    hopPort = Procs.freePort();
    Path script = Path.of(getClass().getResource("/smtp/next_hop.py").toURI());
    nextHop = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(hopPort), hopOut.toString())
        .redirectErrorStream(true).start();
    var ready = new BufferedReader(new InputStreamReader(nextHop.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(ready).isEqualTo("READY");

    port = Procs.freePort();
    SignerConfig cfg = SignerConfig.defaults()
        .withListen("127.0.0.1", port)
        .withInstances(2)
        .withTls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
        .withNextHop(SignerConfig.NextHop.of("127.0.0.1", hopPort))
        .withNodeName("it-node");
    signer = new SignerHarness(vertx, Files.createDirectories(dir.resolve("a")), cfg, new Fakes.Signer(), new Fakes.Keys());

    sinkPort = Procs.freePort();
    sink = new ProcessBuilder(Procs.smtpSink("127.0.0.1:" + sinkPort)).redirectErrorStream(true)
        .redirectOutput(dir.resolve("sink.log").toFile()).start();
    trustedPort = Procs.freePort();
    SignerConfig tcfg = SignerConfig.defaults()
        .withListen("127.0.0.1", trustedPort)
        .withInstances(2)
        .withTrustedNetworks(List.of("127.0.0.0/8"))
        .withLimits(SignerConfig.Limits.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(2)))
        .withNextHop(SignerConfig.NextHop.of("127.0.0.1", sinkPort))
        .withNodeName("it-trusted");
    trusted = new SignerHarness(vertx, Files.createDirectories(dir.resolve("t")), tcfg, new Fakes.Signer(), new Fakes.Keys());
    awaitListening(sinkPort);
  }

  @AfterAll
  void stop() throws Exception {
    SignerHarness.await(vertx.close());
    signer.close();
    trusted.close();
    nextHop.getOutputStream().close();
    nextHop.destroy();
    sink.destroy();
    nextHop.waitFor(10, TimeUnit.SECONDS);
    sink.waitFor(10, TimeUnit.SECONDS);
  }

  private static void awaitListening(int p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", p)) {
        return;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  private List<String> swaks(String... extra) {
    var cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port, "--ehlo", "swaks.test",
        "--from", "news@example.com", "--h-From", "News <news@example.com>", "--timeout", "60"));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  private List<Path> delivered() throws Exception {
    try (var s = Files.list(hopOut)) {
      return s.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    }
  }

  private TraceRecord recordFor(SignerHarness h, String subject) throws Exception {
    var recs = h.awaitRecords(l -> l.stream().anyMatch(r -> subject.equals(r.subject())));
    return recs.stream().filter(r -> subject.equals(r.subject())).findFirst().orElseThrow();
  }

  @Test
  void swaksAuthPlainOverStartTls() throws Exception {
    var r = Procs.run(dir, 120, swaks("--to", "a@dest.test", "--tls", "--auth", "PLAIN",
        "--auth-user", "shop@example.com", "--auth-password", "secret", "--h-Subject", "swaks-plain"));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("250 2.0.0 Ok: relayed, trace id");
    TraceRecord rec = recordFor(signer, "swaks-plain");
    assertThat(rec.status()).isEqualTo(TraceStatus.RELAYED);
    assertThat(rec.tls().enabled()).isTrue();
    assertThat(rec.tls().protocol()).startsWith("TLS");
    assertThat(rec.recipients().get(0).response()).startsWith("250 2.0.0 Ok: queued as");
    assertThat(rec.recipients().get(0).relay()).isEqualTo("127.0.0.1:" + hopPort);
    boolean found = false;
    for (Path p : delivered()) {
      String m = Files.readString(p, StandardCharsets.ISO_8859_1);
      if (m.contains("Subject: swaks-plain")) {
        found = true;
        assertThat(m).startsWith("DKIM-Signature: fake\r\n");
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void swaksAuthLoginPipelined() throws Exception {
    var r = Procs.run(dir, 120, swaks("--to", "a@dest.test,refused@dest.test,b@dest.test", "--tls", "--pipeline",
        "--auth", "LOGIN", "--auth-user", "shop@example.com", "--auth-password", "secret", "--h-Subject", "swaks-login-pipe"));
    assertThat(r.output()).contains("550 5.1.1 <refused@dest.test>: Recipient address rejected");
    assertThat(r.output()).contains("250 2.0.0 Ok: relayed, trace id");
    TraceRecord rec = recordFor(signer, "swaks-login-pipe");
    assertThat(rec.status()).isEqualTo(TraceStatus.PARTIAL);
    assertThat(rec.recipients()).extracting(x -> x.address() + "=" + x.status())
        .containsExactly("a@dest.test=RELAYED", "refused@dest.test=REJECTED", "b@dest.test=RELAYED");
  }

  @Test
  void authBeforeStartTlsIsRefused() throws Exception {
    // swaks gives up by itself because AUTH is not advertised before TLS ...
    var r = Procs.run(dir, 120, swaks("--to", "a@dest.test", "--auth", "PLAIN",
        "--auth-user", "shop@example.com", "--auth-password", "secret"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("Host did not advertise authentication");
    // ... and a client that tries anyway gets 538 5.7.11
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      assertThat(in.readLine()).startsWith("220 ");
      s.getOutputStream().write("HELO raw.test\r\nAUTH PLAIN AHNob3BAZXhhbXBsZS5jb20Ac2VjcmV0\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("250 ");
      assertThat(in.readLine()).isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
    }
  }

  @Test
  void swaksWithoutAuthCannotRelay() throws Exception {
    var r = Procs.run(dir, 120, swaks("--to", "a@dest.test", "--tls"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("530 5.7.0 Authentication required");
  }

  @Test
  void swaksFromOfAnotherDomainIsRefused() throws Exception {
    var r = Procs.run(dir, 120, List.of("swaks", "--server", "127.0.0.1:" + port, "--ehlo", "swaks.test",
        "--from", "news@example.com", "--h-From", "ceo@bank.test", "--to", "a@dest.test", "--tls",
        "--auth", "PLAIN", "--auth-user", "shop@example.com", "--auth-password", "secret", "--h-Subject", "spoof"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("550 5.7.1 From header domain is not the account's domain");
    assertThat(recordFor(signer, "spoof").status()).isEqualTo(TraceStatus.REJECTED);
  }

  @Test
  void smtplibGetsExactlyTheRefusedRecipientRefused() throws Exception {
    Path msg = SignerHarness.file(dir, "m.eml",
        "From: news@example.com\r\nTo: a@dest.test\r\nSubject: smtplib-one\r\n\r\nHello.\r\n.leading dot\r\n");
    Path script = Path.of(getClass().getResource("/smtp/smtplib_send.py").toURI());
    var r = Procs.run(dir, 120, List.of("/usr/bin/python3", script.toString(), String.valueOf(port),
        "shop@example.com", "secret", "news@example.com", msg.toString(), "a@dest.test", "refused2@dest.test"));
    assertThat(r.output()).isEqualTo("REFUSED refused2@dest.test 550\nOK\n");
    TraceRecord rec = recordFor(signer, "smtplib-one");
    assertThat(rec.recipients()).extracting(x -> x.status()).containsExactly(RecipientStatus.RELAYED, RecipientStatus.REJECTED);
    boolean exact = false;
    for (Path p : delivered()) {
      String m = Files.readString(p, StandardCharsets.ISO_8859_1);
      if (m.contains("smtplib-one")) {
        exact = m.equals("DKIM-Signature: fake\r\n" + Files.readString(msg, StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(exact).as("next hop received exactly the signed bytes").isTrue();
  }

  @Test
  void smtpSourceThroughSignerToSmtpSink() throws Exception {
    var r = Procs.run(dir, 300, List.of("smtp-source", "-c", "-f", "bulk@example.com", "-t", "rcpt@dest.test",
        "-m", "60", "-s", "6", "-l", "10240", "-S", "smtp-source-run", "127.0.0.1:" + trustedPort));
    assertThat(r.exit()).as(r.output()).isZero();
    var recs = trusted.awaitRecords(l -> l.stream().filter(x -> "bulk@example.com".equals(x.envelopeFrom())
        && x.status() == TraceStatus.RELAYED).count() >= 60);
    assertThat(recs.stream().filter(x -> "bulk@example.com".equals(x.envelopeFrom()) && x.status() == TraceStatus.RELAYED))
        .hasSize(60);
  }

  @Test
  void clientStallingMidDataGets421AndIsTraced() throws Exception {
    try (Socket s = new Socket("127.0.0.1", trustedPort)) {
      s.setSoTimeout(60_000);
      var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      assertThat(in.readLine()).startsWith("220 ");
      out.write("EHLO stall.test\r\n".getBytes(StandardCharsets.US_ASCII));
      String l;
      while ((l = in.readLine()).startsWith("250-")) {
        // EHLO lines
      }
      out.write("MAIL FROM:<stall@example.com>\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("250");
      out.write("RCPT TO:<x@dest.test>\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("250");
      out.write("DATA\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("354");
      out.write("From: stall@example.com\r\nSubject: stalled\r\n\r\nhalf a mess".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(in.readLine()).isEqualTo("421 4.4.2 Timeout waiting for data, closing connection");
      assertThat(in.readLine()).isNull();
    }
    var recs = trusted.awaitRecords(l -> l.stream().anyMatch(x -> "stall@example.com".equals(x.envelopeFrom())));
    TraceRecord rec = recs.stream().filter(x -> "stall@example.com".equals(x.envelopeFrom())).findFirst().orElseThrow();
    assertThat(rec.status()).isEqualTo(TraceStatus.DEFERRED);
    assertThat(rec.statusReason()).startsWith("421 4.4.2");
  }

  @Test
  void garbageBeforeEhloOverASocket() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      assertThat(in.readLine()).startsWith("220 ");
      s.getOutputStream().write(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0x80, 'x', '\r', '\n'});
      assertThat(in.readLine()).isEqualTo("500 5.5.2 Syntax error, command unrecognized");
      s.getOutputStream().write("EHLO ok.test\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).startsWith("250-");
    }
  }

  /** Our relay client against a next hop that requires STARTTLS + AUTH: our own server. */
  @Test
  void relayClientUsesStartTlsAndAuthAtTheNextHop() throws Exception {
    int frontPort = Procs.freePort();
    var hop = new SignerConfig.NextHop("127.0.0.1", port, true, true, "shop@example.com", "secret", 4,
        Duration.ofSeconds(10), Duration.ofSeconds(60));
    SignerConfig fcfg = SignerConfig.defaults()
        .withListen("127.0.0.1", frontPort)
        .withInstances(1)
        .withTrustedNetworks(List.of("127.0.0.1/32"))
        .withNextHop(hop)
        .withNodeName("it-front");
    try (var front = new SignerHarness(vertx, Files.createDirectories(dir.resolve("f")), fcfg, new Fakes.Signer(), new Fakes.Keys())) {
      for (int i = 0; i < 2; i++) { // the second message reuses the pooled, authenticated connection
        var r = Procs.run(dir, 120, List.of("swaks", "--server", "127.0.0.1:" + frontPort, "--ehlo", "front.test",
            "--from", "news@example.com", "--h-From", "news@example.com", "--to", "chain@dest.test",
            "--h-Subject", "chained-" + i));
        assertThat(r.exit()).as(r.output()).isZero();
        TraceRecord rec = recordFor(front, "chained-" + i);
        assertThat(rec.status()).isEqualTo(TraceStatus.RELAYED);
        assertThat(rec.recipients().get(0).response()).startsWith("250 2.0.0 Ok: relayed, trace id");
        TraceRecord inner = recordFor(signer, "chained-" + i);
        assertThat(inner.tls().enabled()).isTrue();
        assertThat(inner.account()).isEqualTo("shop@example.com");
      }
    }
  }
}
