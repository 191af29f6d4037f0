package io.mailtrace.signer.keys;

import static io.mailtrace.signer.keys.KeyFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalEntry;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.journal.JournalReader;
import io.mailtrace.model.CustomSkipReason;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.keys.CheckOutcome;
import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.model.keys.DnsCheckResult;
import io.mailtrace.signer.accounts.AccountAuthenticator;
import io.mailtrace.signer.accounts.AccountStore;
import io.mailtrace.signer.accounts.PasswordHasher;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.DkimMessageSigner;
import io.mailtrace.signer.dkim.SharedKeySource;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.pipeline.SigningPipeline;
import io.mailtrace.signer.smtp.ConnectionLimiter;
import io.mailtrace.signer.smtp.SmtpServerVerticle;
import io.mailtrace.testkit.BindServer;
import io.mailtrace.testkit.DkimVerifiers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole story through real processes: activate → check says not_found → publish the TXT
 * record in BIND (nsupdate + TSIG) → check says ok → swaks sends a message through the real
 * SMTP signer → the message the aiosmtpd next hop received carries the custom then the shared
 * signature, both verified by dkimpy resolving through dnspython at the BIND port → the trace
 * record lists custom + shared → disable → the next message carries only the shared one.
 */
class CustomDkimEndToEndIT {
  static KeyFixture fx;
  static Path dir;
  static Process nextHop;
  static Path hopOut;
  static int smtpPort;
  static FileJournal journal;
  static JournalConfig journalConfig;
  static CustomKeySource keys;
  static DkimMessageSigner signer;

  @BeforeAll
  static void start() throws Exception {
    fx = new KeyFixture(Clock.systemUTC(), "example.com", "platform.example");
    dir = Files.createTempDirectory("mailtrace-keys-e2e-");

    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair sharedPair = g.generateKeyPair();
    io.mailtrace.testkit.KeyMaterialRegistry.remember(sharedPair.getPrivate());
    fx.bind.setTxt("shared1._domainkey.platform.example", BindServer.split255(
        "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(sharedPair.getPublic().getEncoded())));
    SigningKey shared = new SigningKey("platform.example", "shared1", DkimKind.SHARED, sharedPair.getPrivate());

    hopOut = Files.createDirectories(dir.resolve("hop"));
    int hopPort = freePort();
    Path script = Path.of(CustomDkimEndToEndIT.class.getResource("/smtp/next_hop.py").toURI());
    nextHop = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(hopPort), hopOut.toString())
        .redirectErrorStream(true).start();
    assertThat(new BufferedReader(new InputStreamReader(nextHop.getInputStream(), StandardCharsets.UTF_8)).readLine())
        .isEqualTo("READY");

    journalConfig = JournalConfig.defaults(dir.resolve("journal"));
    journal = await(FileJournal.open(fx.vertx, journalConfig, new SimpleMeterRegistry()));
    AccountStore accounts = AccountStore.open(dir.resolve("accounts.tsv"), new PasswordHasher(4096, 1, 1));
    accounts.add("shop@example.com", null, "secret".toCharArray());
    smtpPort = freePort();
    SignerConfig cfg = SignerConfig.defaults()
        .withListen("127.0.0.1", smtpPort)
        .withInstances(1)
        .withTrustedNetworks(List.of("127.0.0.0/8"))
        .withNextHop(SignerConfig.NextHop.of("127.0.0.1", hopPort))
        .withNodeName("keys-e2e")
        .withAccountsFile(accounts.file());
    keys = new CustomKeySource(fx.vertx, fx.store, fx.encryption, new SharedKeySource(shared), fx.workers,
        fx.config.cacheRefresh());
    fx.service.addListener(keys);
    CustomKeySourceIT.onContext(fx.vertx, keys::start);
    signer = new DkimMessageSigner(fx.vertx);
    var auth = new AccountAuthenticator(accounts, cfg.trustedNetworks(), fx.workers);
    var limiter = new ConnectionLimiter(cfg.limits().maxConnectionsPerIp());
    await(fx.vertx.deployVerticle(() -> new SmtpServerVerticle(cfg, auth,
            hop -> new SigningPipeline(signer, keys, journal, hop.address(), cfg.nodeName(), Clock.systemUTC()), limiter),
        new DeploymentOptions().setInstances(1)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (keys != null) {
      keys.stop();
    }
    if (nextHop != null) {
      nextHop.getOutputStream().close();
      nextHop.destroy();
      nextHop.waitFor(10, TimeUnit.SECONDS);
    }
    if (journal != null) {
      journal.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Sends one message with swaks (trusted network: the envelope sender names the account). */
  static byte[] send(String subject) throws Exception {
    int before;
    try (var s = Files.list(hopOut)) {
      before = (int) s.filter(p -> p.toString().endsWith(".eml")).count();
    }
    Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + smtpPort, "--ehlo", "swaks.test",
        "--from", "shop@example.com", "--to", "someone@dest.test", "--h-From", "Shop <shop@example.com>",
        "--h-Subject", subject, "--body", "Hello from the custom DKIM test.", "--timeout", "60")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<Path> files;
    try (var s = Files.list(hopOut)) {
      files = s.filter(f -> f.toString().endsWith(".eml")).sorted().toList();
    }
    assertThat(files).hasSize(before + 1);
    return Files.readAllBytes(files.get(files.size() - 1));
  }

  static TraceRecord record(String subject) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      try (var reader = new JournalReader(journalConfig)) {
        for (JournalEntry e : reader.read(JournalPosition.START, 100_000, Long.MAX_VALUE)) {
          TraceRecord r = TraceJson.parse(e.line());
          if (subject.equals(r.subject())) {
            return r;
          }
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no trace record for " + subject);
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling the journal with a deadline
    }
  }

  static List<String> dkimHeaderDomains(byte[] message) {
    List<String> out = new ArrayList<>();
    for (String line : new String(message, StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.isEmpty()) {
        break;
      }
      if (line.regionMatches(true, 0, "DKIM-Signature:", 0, 15)) {
        var m = java.util.regex.Pattern.compile("\\bd=([^;\\s]+)").matcher(line);
        out.add(m.find() ? m.group(1) : "?");
      }
    }
    return out;
  }

  @Test
  void activatePublishCheckSendDualSignedDisableSendSharedOnly() throws Exception {
    String d = "example.com";
    DkimKeyView v = await(fx.service.activate(d));
    CheckOutcome notFound = await(fx.service.checkNow(d));
    assertThat(notFound.result()).isEqualTo(DnsCheckResult.NOT_FOUND);

    // While pending: shared only, and the trace says why.
    byte[] pendingMsg = send("e2e pending");
    assertThat(dkimHeaderDomains(pendingMsg)).containsExactly("platform.example");
    assertThat(record("e2e pending").dkimCustomSkipped()).isEqualTo(CustomSkipReason.PENDING);

    fx.bind.setTxt(v.dnsRecord().name(), BindServer.split255(v.dnsRecord().value()));
    CheckOutcome ok = await(fx.service.checkNow(d));
    assertThat(ok.result()).isEqualTo(DnsCheckResult.OK);
    // The change was made on this node: the signer's cache applies it (polled, well under 10 s).
    CustomKeySourceIT.within(Duration.ofSeconds(10), () -> CustomKeySourceIT.signsCustom(keys, d), "custom key in the cache");

    byte[] dual = send("e2e dual");
    assertThat(dkimHeaderDomains(dual)).containsExactly("example.com", "platform.example");
    DkimVerifiers.Verification ver = DkimVerifiers.dkimpyViaDns(List.of(dual), fx.bind.port()).get(0);
    assertThat(ver.outcome("example.com", v.selector())).as(ver.toString()).isEqualTo(DkimVerifiers.Outcome.PASS);
    assertThat(ver.outcome("platform.example", "shared1")).as(ver.toString()).isEqualTo(DkimVerifiers.Outcome.PASS);
    TraceRecord dualRecord = record("e2e dual");
    assertThat(dualRecord.dkim()).extracting(DkimSignatureInfo::kind).containsExactly(DkimKind.CUSTOM, DkimKind.SHARED);
    assertThat(dualRecord.dkim().get(0).selector()).isEqualTo(v.selector());
    assertThat(dualRecord.dkimCustomSkipped()).isNull();

    await(fx.service.disable(d));
    CustomKeySourceIT.within(Duration.ofSeconds(10), () -> !CustomKeySourceIT.signsCustom(keys, d), "custom key dropped");
    byte[] after = send("e2e after disable");
    assertThat(dkimHeaderDomains(after)).containsExactly("platform.example");
    DkimVerifiers.Verification ver2 = DkimVerifiers.dkimpyViaDns(List.of(after), fx.bind.port()).get(0);
    assertThat(ver2.outcome("platform.example", "shared1")).isEqualTo(DkimVerifiers.Outcome.PASS);
    TraceRecord afterRecord = record("e2e after disable");
    assertThat(afterRecord.dkim()).extracting(DkimSignatureInfo::kind).containsExactly(DkimKind.SHARED);
    assertThat(afterRecord.dkimCustomSkipped()).isEqualTo(CustomSkipReason.DISABLED);
  }
}
