package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailtrace.testkit.DkimVerifiers;
import io.mailtrace.testkit.DkimVerifiers.Outcome;
import io.mailtrace.testkit.DkimVerifiers.Verification;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@link DkimVerifiers#dkimpyViaDns}: dkimpy fetching the key from a real BIND on 127.0.0.1 at a
 * high port (a multi-string TXT record, as a 2048-bit key needs).
 */
class DkimpyViaDnsIT {
  private static final Path NAMED = Path.of("/usr/sbin/named");
  private static Process named;
  private static Path dir;
  private static int port;

  @BeforeAll
  static void startNamed() throws Exception {
    assumeTrue(Files.isExecutable(NAMED), "BIND named is not installed (scripts/install-test-deps)");
    dir = Files.createTempDirectory("dkim-named");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String txt = PemKeys.dnsTxtRecord(TestKeys.SHARED_RSA.getPrivate());
    StringBuilder chunks = new StringBuilder();
    for (int i = 0; i < txt.length(); i += 200) {
      chunks.append(" \"").append(txt, i, Math.min(txt.length(), i + 200)).append('"');
    }
    Files.writeString(dir.resolve("zone.db"), String.join("\n",
        "$TTL 60",
        "@ IN SOA ns.mailtrace.test. admin.mailtrace.test. 1 60 60 60 60",
        "@ IN NS ns.mailtrace.test.",
        "ns IN A 127.0.0.1",
        "shared1._domainkey IN TXT (" + chunks + " )",
        ""));
    Files.writeString(dir.resolve("named.conf"), String.join("\n",
        "options { directory \"" + dir + "\"; pid-file \"" + dir.resolve("named.pid") + "\";",
        "  listen-on port " + port + " { 127.0.0.1; }; listen-on-v6 { none; };",
        "  recursion no; dnssec-validation no; notify no; };",
        "controls { };",
        "zone \"mailtrace.test\" { type primary; file \"" + dir.resolve("zone.db") + "\"; };",
        ""));
    named = new ProcessBuilder(NAMED.toString(), "-g", "-4", "-c", dir.resolve("named.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("named.log").toFile())
        .start();
    SimpleResolver resolver = new SimpleResolver("127.0.0.1");
    resolver.setPort(port);
    resolver.setTimeout(Duration.ofSeconds(2));
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      Lookup lookup = new Lookup("shared1._domainkey.mailtrace.test.", Type.TXT);
      lookup.setResolver(resolver);
      lookup.setCache(null);
      lookup.run();
      if (lookup.getResult() == Lookup.SUCCESSFUL) {
        break;
      }
      if (!named.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("named did not answer: " + Files.readString(dir.resolve("named.log")));
      }
    }
  }

  @AfterAll
  static void stopNamed() throws IOException, InterruptedException {
    if (named != null) {
      named.destroy();
      named.waitFor();
    }
  }

  @Test
  void dkimpyVerifiesWithTheKeyFromDns() {
    byte[] good = new DkimSignerCore().sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.shared())).bytes();
    byte[] unknownKey =
        new DkimSignerCore().sign(GeneratedMessages.signable().get("plain"), List.of(TestKeys.custom())).bytes();
    List<Verification> v = DkimVerifiers.dkimpyViaDns(List.of(good, unknownKey), port);
    assertThat(v.get(0).outcome("mailtrace.test", "shared1")).as(v.get(0).toString()).isEqualTo(Outcome.PASS);
    // example.com is not served by this BIND: the key cannot be found, the signature fails
    assertThat(v.get(1).outcome("example.com", "mt2611281234")).as(v.get(1).toString()).isEqualTo(Outcome.FAIL);
  }
}
