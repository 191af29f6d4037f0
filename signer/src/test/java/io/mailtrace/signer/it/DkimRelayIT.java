package io.mailtrace.signer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.DkimKind;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.DkimMessageSigner;
import io.mailtrace.signer.dkim.PemKeys;
import io.mailtrace.signer.dkim.SharedKeySource;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.message.MessageSummary;
import io.mailtrace.testkit.DkimVerifiers;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real DKIM signer behind the SMTP relay: what the next hop receives verifies under dkimpy,
 * OpenDKIM and jDKIM, and every corpus message sent with smtplib is signed or refused with a 5xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DkimRelayIT {
  private static final String DOMAIN = "platform.mailtrace.test";
  private static final String SELECTOR = "mt1";

  Path dir;
  Vertx vertx;
  Process nextHop;
  Path hopOut;
  SignerHarness signer;
  int port;
  Map<String, String> keyRecords;
  DkimMessageSigner dkim;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    vertx = Vertx.vertx();
    hopOut = Files.createDirectories(dir.resolve("hop"));
    int hopPort = Procs.freePort();
    Path script = Path.of(getClass().getResource("/smtp/next_hop.py").toURI());
    nextHop = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(hopPort), hopOut.toString())
        .redirectErrorStream(true).start();
    assertThat(new BufferedReader(new InputStreamReader(nextHop.getInputStream(), StandardCharsets.UTF_8)).readLine())
        .isEqualTo("READY");
    var g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    PrivateKey key = io.mailtrace.testkit.KeyMaterialRegistry.remember(g.generateKeyPair().getPrivate());
    keyRecords = Map.of(DkimVerifiers.keyName(SELECTOR, DOMAIN), PemKeys.dnsTxtRecord(key));
    dkim = new DkimMessageSigner(vertx);
    port = Procs.freePort();
    SignerConfig cfg = SignerConfig.defaults()
        .withListen("127.0.0.1", port)
        .withInstances(2)
        .withTrustedNetworks(List.of("127.0.0.1/32"))
        .withNextHop(SignerConfig.NextHop.of("127.0.0.1", hopPort))
        .withNodeName("dkim-it");
    signer = new SignerHarness(vertx, dir, cfg, dkim,
        new SharedKeySource(new SigningKey(DOMAIN, SELECTOR, DkimKind.SHARED, key)));
  }

  @AfterAll
  void stop() throws Exception {
    SignerHarness.await(vertx.close());
    signer.close();
    nextHop.getOutputStream().close();
    nextHop.destroy();
    nextHop.waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void corpusMessagesAreSignedOrRefusedAndSignedOnesVerify() throws Exception {
    Path shared = Path.of(System.getProperty("mailtrace.shared.dir", "../shared"));
    Path corpus = shared.resolve("corpus");
    Assumptions.assumeTrue(Files.isDirectory(corpus), "shared corpus not found at " + corpus.toAbsolutePath());
    List<Path> files;
    try (var s = Files.list(corpus)) {
      files = s.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    }
    // One account per From domain (trusted network: the envelope sender's domain names the account).
    var list = new StringBuilder();
    for (Path f : files) {
      // same CRLF normalisation as corpus_send.py, so we read the From the signer will see
      byte[] raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
          .replaceAll("\r\n|\r|\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      List<String> domains = List.of();
      try {
        domains = List.of(MessageSummary.parse(raw).fromDomain());
      } catch (RuntimeException e) {
        // unparseable: sent as example.com, expected to be refused
      }
      String domain = domains.isEmpty() || !domains.get(0).matches("[a-z0-9.-]+\\.[a-z0-9-]+") ? "example.com" : domains.get(0);
      if (signer.accounts.forDomain(domain).isEmpty()) {
        signer.accounts.add("postmaster@" + domain, null, "unused-password".toCharArray());
      }
      list.append(f).append('\t').append("postmaster@").append(domain).append('\t').append(f.getFileName()).append('\n');
    }
    Path listFile = SignerHarness.file(dir, "list.tsv", list.toString());
    Path script = Path.of(getClass().getResource("/smtp/corpus_send.py").toURI());
    var r = Procs.run(dir, 600, List.of("/usr/bin/python3", script.toString(), String.valueOf(port), listFile.toString()));
    assertThat(r.exit()).as(r.output()).isZero();

    Map<String, String> outcome = new LinkedHashMap<>();
    for (String line : r.output().split("\n")) {
      String[] f = line.split("\t", 3);
      if (f.length == 3) {
        outcome.put(f[0], f[1] + " " + f[2]);
      }
    }
    assertThat(outcome).hasSize(files.size());
    var refusedReasons = new TreeMap<String, Integer>();
    int accepted = 0;
    for (var e : outcome.entrySet()) {
      String v = e.getValue();
      if (v.startsWith("250")) {
        accepted++;
      } else {
        assertThat(v).as("refusal of %s is a clear 5xx", e.getKey()).matches("5\\d\\d \\d\\.\\d\\.\\d+ .+");
        refusedReasons.merge(v.replaceAll(":.*", ""), 1, Integer::sum);
      }
    }
    System.out.printf("corpus via SMTP: %d messages, %d signed and relayed, refused: %s%n", files.size(), accepted, refusedReasons);

    List<byte[]> delivered = new ArrayList<>();
    try (var s = Files.list(hopOut)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".eml")).sorted().toList()) {
        delivered.add(Files.readAllBytes(p));
      }
    }
    assertThat(delivered).hasSize(accepted);
    assertThat(accepted).isGreaterThan(files.size() / 2);
    var results = DkimVerifiers.all(delivered, keyRecords);
    for (var entry : results.entrySet()) {
      List<DkimVerifiers.Verification> vs = entry.getValue();
      for (int i = 0; i < vs.size(); i++) {
        var outcomeOf = vs.get(i).outcome(DOMAIN, SELECTOR);
        if (entry.getKey() == DkimVerifiers.Verifier.DKIMPY) {
          assertThat(outcomeOf).as("dkimpy on relayed message %d: %s", i, vs.get(i)).isEqualTo(DkimVerifiers.Outcome.PASS);
        } else {
          assertThat(outcomeOf).as("%s on relayed message %d: %s", entry.getKey(), i, vs.get(i))
              .isNotEqualTo(DkimVerifiers.Outcome.FAIL);
        }
      }
    }
    var records = signer.awaitRecords(l -> l.size() >= files.size());
    assertThat(records.stream().filter(x -> x.status() == TraceStatus.RELAYED)).hasSize(accepted)
        .allSatisfy(x -> assertThat(x.dkim()).extracting(d -> d.domain() + "/" + d.selector() + "/" + d.kind())
            .containsExactly(DOMAIN + "/" + SELECTOR + "/SHARED"));
  }
}
