package io.mailtrace.signer.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.keys.DnsCheck;
import io.mailtrace.model.keys.DnsCheckResult;
import io.mailtrace.testkit.BindServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every DNS check outcome, each produced by records published in a real BIND with nsupdate + TSIG. */
class DnsCheckIT {
  static BindServer bind;
  static Vertx vertx;
  static DnsChecker checker;
  static String ours;
  static String other;

  @BeforeAll
  static void start() throws Exception {
    bind = BindServer.start("a.example", "b.example");
    vertx = Vertx.vertx();
    checker = new DnsChecker(new DnsjavaTxtResolver(vertx, List.of(bind.address()), Duration.ofSeconds(5)),
        Clock.systemUTC());
    ours = spki(rsa(2048));
    other = spki(rsa(2048));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (bind != null) {
      bind.close();
    }
  }

  static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    KeyPair pair = g.generateKeyPair();
    io.mailtrace.testkit.KeyMaterialRegistry.remember(pair.getPrivate());
    return pair;
  }

  static String spki(KeyPair kp) {
    return Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
  }

  static DnsCheck check(DnsChecker c, String domain, String selector) throws Exception {
    Future<DnsCheck> f = c.check(domain, selector, ours);
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static DnsCheck check(String selector) throws Exception {
    return check(checker, "a.example", selector);
  }

  static String name(String selector) {
    return selector + "._domainkey.a.example";
  }

  @Test
  void okWhenTheValueIsSplitInSeveralStrings() throws Exception {
    String value = "v=DKIM1; k=rsa; p=" + ours;
    bind.setTxt(name("split"), BindServer.split255(value));
    assertThat(BindServer.split255(value)).hasSizeGreaterThan(1);
    DnsCheck c = check("split");
    assertThat(c.result()).isEqualTo(DnsCheckResult.OK);
  }

  @Test
  void okWithAnyTagOrderAndWhitespaceInsideTheKey() throws Exception {
    String spaced = ours.substring(0, 100) + " " + ours.substring(100, 200) + "\t" + ours.substring(200);
    bind.setTxt(name("order"), BindServer.split255("k = rsa ;  p= " + spaced + " ; t=s ;"));
    DnsCheck c = check("order");
    assertThat(c.result()).as(c.message()).isEqualTo(DnsCheckResult.OK);
  }

  @Test
  void notFoundWhenNothingIsPublished() throws Exception {
    DnsCheck c = check("nothing");
    assertThat(c.result()).isEqualTo(DnsCheckResult.NOT_FOUND);
    assertThat(c.message()).contains("nothing._domainkey.a.example");
  }

  @Test
  void notFoundWithAHintWhenPublishedAtTheDoubledName() throws Exception {
    bind.setTxt(name("doubled") + ".a.example", BindServer.split255("v=DKIM1; k=rsa; p=" + ours));
    DnsCheck c = check("doubled");
    assertThat(c.result()).isEqualTo(DnsCheckResult.NOT_FOUND);
    assertThat(c.message()).contains("doubled._domainkey.a.example.a.example").contains("appends the domain");
  }

  @Test
  void multipleRecordsWhenTwoTxtRecordsArePublished() throws Exception {
    bind.setTxt(name("two"), BindServer.split255("v=DKIM1; k=rsa; p=" + ours));
    bind.addTxt(name("two"), BindServer.split255("v=DKIM1; k=rsa; p=" + other));
    assertThat(check("two").result()).isEqualTo(DnsCheckResult.MULTIPLE_RECORDS);
  }

  @Test
  void revokedWhenPIsEmpty() throws Exception {
    bind.setTxt(name("revoked"), "v=DKIM1; k=rsa; p=");
    assertThat(check("revoked").result()).isEqualTo(DnsCheckResult.REVOKED);
  }

  @Test
  void malformedWhenTheValueIsNoTagList() throws Exception {
    bind.setTxt(name("garbage"), "this is not dkim");
    assertThat(check("garbage").result()).isEqualTo(DnsCheckResult.MALFORMED);
    bind.setTxt(name("badb64"), "v=DKIM1; k=rsa; p=MIIB!!notbase64");
    assertThat(check("badb64").result()).isEqualTo(DnsCheckResult.MALFORMED);
    bind.setTxt(name("vlast"), BindServer.split255("k=rsa; p=" + ours + "; v=DKIM1"));
    assertThat(check("vlast").result()).isEqualTo(DnsCheckResult.MALFORMED);
  }

  @Test
  void malformedWithTruncationHintWhenTheKeyIsCut() throws Exception {
    bind.setTxt(name("cut"), ("v=DKIM1; k=rsa; p=" + ours).substring(0, 255));
    DnsCheck c = check("cut");
    assertThat(c.result()).isEqualTo(DnsCheckResult.MALFORMED);
    assertThat(c.message()).contains("truncated");
  }

  @Test
  void malformedWithQuotesHintWhenQuotesArePasted() throws Exception {
    String pasted = "\"v=DKIM1; k=rsa; p=" + ours + "\"";
    bind.setTxt(name("quotes"), BindServer.split255(pasted));
    DnsCheck c = check("quotes");
    assertThat(c.result()).isEqualTo(DnsCheckResult.MALFORMED);
    assertThat(c.message()).contains("quotes");
    String inside = "v=DKIM1; k=rsa; p=\"" + ours + "\"";
    bind.setTxt(name("quotes2"), BindServer.split255(inside));
    DnsCheck c2 = check("quotes2");
    assertThat(c2.result()).isEqualTo(DnsCheckResult.MALFORMED);
    assertThat(c2.message()).contains("quotes");
  }

  @Test
  void keyMismatchWhenAnotherKeyIsPublished() throws Exception {
    bind.setTxt(name("wrong"), BindServer.split255("v=DKIM1; k=rsa; p=" + other));
    assertThat(check("wrong").result()).isEqualTo(DnsCheckResult.KEY_MISMATCH);
  }

  @Test
  void dnsErrorWhenTheResolverIsUnreachable() throws Exception {
    int deadPort;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      deadPort = s.getLocalPort(); // closed again below: nothing answers there
    }
    DnsChecker dead = new DnsChecker(new DnsjavaTxtResolver(vertx, List.of("127.0.0.1:" + deadPort),
        Duration.ofSeconds(2)), Clock.systemUTC());
    DnsCheck c = check(dead, "a.example", "any");
    assertThat(c.result()).isEqualTo(DnsCheckResult.DNS_ERROR);
    assertThat(c.result().temporary()).isTrue();
  }

  @Test
  void dnsErrorWhenTheServerRefuses() throws Exception {
    // named is not authoritative for c.example and does not recurse: REFUSED.
    DnsCheck c = check(checker, "c.example", "any");
    assertThat(c.result()).isEqualTo(DnsCheckResult.DNS_ERROR);
  }
}
