package io.mailtrace.signer.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.pipeline.SigningPipeline;
import io.mailtrace.signer.testing.Fakes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session state machine without sockets: bytes in, reply strings out. */
class SmtpSessionTest {
  private static final Fakes.Keys KEYS = new Fakes.Keys();
  private static final String PLAIN = Base64.getEncoder().encodeToString("\0shop@example.com\0secret".getBytes(StandardCharsets.UTF_8));

  private Fakes.Hop hop;
  private Fakes.Journal journal;
  private Fakes.Conn conn;
  private SmtpSession session;
  private SignerConfig config;

  @BeforeEach
  void setUp() {
    config = SignerConfig.defaults()
        .withTls(Path.of("cert.pem"), Path.of("key.pem"))
        .withLimits(SignerConfig.Limits.defaults().withMaxMessageBytes(20_000).withMaxRecipients(3))
        .withNodeName("test-node");
    open("192.0.2.7");
  }

  private void open(String ip) {
    hop = new Fakes.Hop();
    journal = new Fakes.Journal();
    conn = new Fakes.Conn();
    var pipeline = new SigningPipeline(new Fakes.Signer(), KEYS, journal, hop.address(), config.nodeName(), Clock.systemUTC());
    session = new SmtpSession(config, ip, new Fakes.Auth(), hop, pipeline, conn);
    session.start();
    conn.take();
  }

  private String send(String s) {
    session.receive(s.getBytes(StandardCharsets.ISO_8859_1));
    return conn.take();
  }

  private void authenticated() {
    send("EHLO client.test\r\n");
    assertThat(send("STARTTLS\r\n")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
    send("EHLO client.test\r\n");
    assertThat(send("AUTH PLAIN " + PLAIN + "\r\n")).isEqualTo("235 2.7.0 Authentication successful\r\n");
  }

  private static final String MESSAGE = "From: Shop <news@example.com>\r\nTo: a@dest.test\r\nSubject: Hi\r\n\r\nHello\r\n";

  @Test
  void ehloAdvertisesStartTlsBeforeTlsAndAuthOnlyAfter() {
    assertThat(send("EHLO client.test\r\n")).isEqualTo(
        "250-localhost Hello client.test\r\n250-PIPELINING\r\n250-SIZE 20000\r\n250-8BITMIME\r\n"
            + "250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n");
    send("STARTTLS\r\n");
    assertThat(send("EHLO client.test\r\n")).isEqualTo(
        "250-localhost Hello client.test\r\n250-PIPELINING\r\n250-SIZE 20000\r\n250-8BITMIME\r\n"
            + "250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN LOGIN\r\n");
    assertThat(send("STARTTLS\r\n")).isEqualTo("503 5.5.1 TLS already active\r\n");
  }

  @Test
  void authBeforeStartTlsIsRefused() {
    send("EHLO client.test\r\n");
    assertThat(send("AUTH PLAIN " + PLAIN + "\r\n"))
        .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism\r\n");
    assertThat(send("AUTH LOGIN\r\n")).startsWith("538 5.7.11");
  }

  @Test
  void authLoginAfterTls() {
    send("EHLO c\r\n");
    send("STARTTLS\r\n");
    send("EHLO c\r\n");
    assertThat(send("AUTH LOGIN\r\n")).isEqualTo("334 VXNlcm5hbWU6\r\n");
    assertThat(send(b64("shop@example.com") + "\r\n")).isEqualTo("334 UGFzc3dvcmQ6\r\n");
    assertThat(send(b64("secret") + "\r\n")).isEqualTo("235 2.7.0 Authentication successful\r\n");
  }

  @Test
  void wrongPasswordIs535() {
    send("EHLO c\r\n");
    send("STARTTLS\r\n");
    send("EHLO c\r\n");
    String bad = Base64.getEncoder().encodeToString("\0shop@example.com\0nope".getBytes(StandardCharsets.UTF_8));
    assertThat(send("AUTH PLAIN " + bad + "\r\n")).isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
  }

  @Test
  void stlsDiscardsPipelinedPlaintext() {
    send("EHLO c\r\n");
    // a command injected after STARTTLS in the same packet must not be executed
    assertThat(send("STARTTLS\r\nMAIL FROM:<x@example.com>\r\n")).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
  }

  @Test
  void relayingWithoutAuthIsRefused() {
    send("EHLO c\r\n");
    assertThat(send("MAIL FROM:<news@example.com>\r\n")).isEqualTo("530 5.7.0 Authentication required\r\n");
    assertThat(hop.log).isEmpty();
  }

  @Test
  void trustedNetworkNeedsNoAuthButAKnownSenderDomain() {
    open("10.1.2.3");
    send("EHLO mta.internal\r\n");
    assertThat(send("MAIL FROM:<news@other.test>\r\n")).isEqualTo("550 5.7.1 Sender domain has no account here; relaying denied\r\n");
    assertThat(send("MAIL FROM:<news@example.com>\r\n")).isEqualTo("250 2.1.0 Sender ok\r\n");
  }

  @Test
  void fullTransactionRelaysSignedBytesAndTracesIt() {
    authenticated();
    String replies = send("MAIL FROM:<news@example.com> BODY=8BITMIME SIZE=100\r\nRCPT TO:<a@dest.test>\r\n"
        + "RCPT TO:<refused@dest.test>\r\nDATA\r\n");
    assertThat(replies).isEqualTo("250 2.1.0 Sender ok\r\n250 2.1.5 Ok\r\n550 5.1.1 User unknown\r\n"
        + "354 End data with <CR><LF>.<CR><LF>\r\n");
    String fin = send(MESSAGE.replace("Hello\r\n", "..dotted\r\nHello\r\n") + ".\r\n");
    assertThat(fin).startsWith("250 2.0.0 Ok: relayed, trace id ");
    assertThat(new String(hop.delivered.get(0), StandardCharsets.ISO_8859_1))
        .isEqualTo("DKIM-Signature: fake\r\n" + MESSAGE.replace("Hello\r\n", ".dotted\r\nHello\r\n"));
    var rec = journal.records.get(0);
    assertThat(fin).contains(rec.id());
    assertThat(rec.status()).isEqualTo(TraceStatus.PARTIAL);
    assertThat(rec.recipients()).extracting(r -> r.address() + " " + r.status() + " " + r.response())
        .containsExactly("a@dest.test RELAYED 250 2.0.0 Ok: queued as ABC", "refused@dest.test REJECTED 550 5.1.1 User unknown");
    assertThat(rec.tls().enabled()).isTrue();
    assertThat(rec.account()).isEqualTo("shop@example.com");
    assertThat(rec.clientIp()).isEqualTo("192.0.2.7");
    assertThat(rec.clientHelo()).isEqualTo("client.test");
    assertThat(rec.subject()).isEqualTo("Hi");
    assertThat(rec.dkim()).hasSize(1);
    assertThat(rec.node()).isEqualTo("test-node");
  }

  @Test
  void envelopeSenderOfAnotherDomainIs550() {
    authenticated();
    assertThat(send("MAIL FROM:<ceo@other.test>\r\n")).isEqualTo("550 5.7.1 Sender address domain is not the account's domain\r\n");
    assertThat(journal.records.get(0).status()).isEqualTo(TraceStatus.REJECTED);
  }

  @Test
  void fromHeaderOfAnotherDomainIs550() {
    authenticated();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@dest.test>\r\nDATA\r\n");
    assertThat(send(MESSAGE.replace("news@example.com", "ceo@bank.test") + ".\r\n"))
        .isEqualTo("550 5.7.1 From header domain is not the account's domain\r\n");
    assertThat(hop.delivered).isEmpty();
    assertThat(journal.records.get(0).statusReason()).startsWith("550 5.7.1");
    assertThat(hop.released).isEqualTo(1);
    assertThat(send("NOOP\r\n")).isEqualTo("250 2.0.0 Ok\r\n");
  }

  @Test
  void unsignableMessageIs5xx() {
    authenticated();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@dest.test>\r\nDATA\r\n");
    assertThat(send("To: a@dest.test\r\n\r\nno from\r\n.\r\n")).isEqualTo("554 5.6.0 Message cannot be signed: the message has no From header field\r\n");
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@dest.test>\r\nDATA\r\n");
    assertThat(send("X-Unsignable: yes\r\n" + MESSAGE + ".\r\n"))
        .isEqualTo("554 5.6.0 Message cannot be signed: header section cannot be parsed\r\n");
  }

  @Test
  void tooManyRecipients() {
    authenticated();
    send("MAIL FROM:<news@example.com>\r\n");
    send("RCPT TO:<a@d.test>\r\nRCPT TO:<b@d.test>\r\nRCPT TO:<c@d.test>\r\n");
    assertThat(send("RCPT TO:<d@d.test>\r\n")).isEqualTo("452 4.5.3 Too many recipients\r\n");
  }

  @Test
  void declaredSizeTooBigAndActualSizeTooBig() {
    authenticated();
    assertThat(send("MAIL FROM:<news@example.com> SIZE=20001\r\n")).isEqualTo("552 5.3.4 Message size exceeds fixed limit\r\n");
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    String big = ("x".repeat(900) + "\r\n").repeat(30);
    assertThat(send(MESSAGE + big + ".\r\n")).isEqualTo("552 5.3.4 Message size exceeds fixed limit\r\n");
    assertThat(journal.records.get(0).status()).isEqualTo(TraceStatus.REJECTED);
    assertThat(journal.records.get(0).sizeBytes()).isGreaterThan(20_000);
  }

  @Test
  void bareLfAndBareCrAreRefusedAndTheSessionStaysInSync() {
    authenticated();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    assertThat(send(MESSAGE + "bare\nline\r\n.\r\n")).isEqualTo("550 5.5.2 Message refused: bare <LF> received (lines must end with <CR><LF>)\r\n");
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    assertThat(send(MESSAGE + "bare\rcr\r\n.\r\n")).isEqualTo("550 5.5.2 Message refused: bare <CR> received (lines must end with <CR><LF>)\r\n");
    assertThat(send("NOOP\r\n")).isEqualTo("250 2.0.0 Ok\r\n");
    assertThat(hop.delivered).isEmpty();
  }

  /** Each variant must neither end the message nor start a second (smuggled) transaction. */
  @Test
  void smugglingEndOfDataVariants() {
    for (String fake : new String[] {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\r"}) {
      open("192.0.2.7");
      authenticated();
      send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
      String smuggled = "MAIL FROM:<news@example.com>\r\nRCPT TO:<victim@d.test>\r\nDATA\r\n"
          + "From: news@example.com\r\n\r\nsmuggled\r\n";
      String afterFake = send(MESSAGE + "text" + fake + smuggled);
      assertThat(afterFake).as("variant %s", fake.replace("\r", "\\r").replace("\n", "\\n")).isEmpty();
      assertThat(send(".\r\n")).as("variant %s", fake.replace("\r", "\\r").replace("\n", "\\n")).startsWith("550 5.5.2 Message refused: bare");
      assertThat(hop.delivered).isEmpty();
      assertThat(hop.log).doesNotContain("RCPT victim@d.test");
    }
  }

  @Test
  void exactDotUnstuffing() {
    authenticated();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    send(MESSAGE + "..\r\n...x\r\n.y\r\n. \r\n.\r\n");
    assertThat(new String(hop.delivered.get(0), StandardCharsets.ISO_8859_1))
        .endsWith("Hello\r\n.\r\n..x\r\ny\r\n \r\n");
  }

  @Test
  void dataArrivingInTinyChunks() {
    authenticated();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    String all = MESSAGE + "..dot\r\n.\r\nNOOP\r\n";
    var out = new StringBuilder();
    for (char c : all.toCharArray()) {
      out.append(send(String.valueOf(c)));
    }
    assertThat(out.toString()).matches("250 2\\.0\\.0 Ok: relayed, trace id \\w+\r\n250 2\\.0\\.0 Ok\r\n");
    assertThat(new String(hop.delivered.get(0), StandardCharsets.ISO_8859_1)).endsWith("Hello\r\n.dot\r\n");
  }

  @Test
  void megabyteHeaderLineIsRefusedWithBoundedMemory() {
    config = config.withLimits(config.limits().withMaxMessageBytes(10_000_000));
    open("192.0.2.7");
    authenticated();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    send("X-Long: ");
    String chunk = "a".repeat(64 * 1024);
    for (int i = 0; i < 16; i++) {
      assertThat(send(chunk)).isEmpty();
    }
    assertThat(send("\r\n" + MESSAGE + ".\r\n")).isEqualTo("552 5.5.2 Message line longer than 998 octets refused\r\n");
  }

  @Test
  void overlongCommandLineIs500AndBounded() {
    send("EHLO c\r\n");
    for (int i = 0; i < 16; i++) {
      assertThat(send("x".repeat(64 * 1024))).isEmpty();
    }
    assertThat(send("\r\nNOOP\r\n")).isEqualTo("500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
  }

  @Test
  void garbageBeforeEhloThenTooManyErrors() {
    String r = send("\u0000\u0001\u00ff\u00fe binary\r\n");
    assertThat(r).isEqualTo("500 5.5.2 Syntax error, command unrecognized\r\n");
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 20 && !conn.closed; i++) {
      all.append(send("GARBAGE\u0007\r\n"));
    }
    assertThat(all.toString()).endsWith("421 4.7.0 Too many errors, closing connection\r\n");
    assertThat(conn.closed).isTrue();
  }

  @Test
  void sequenceErrors() {
    assertThat(send("MAIL FROM:<a@example.com>\r\n")).isEqualTo("503 5.5.1 Send EHLO/HELO first\r\n");
    send("HELO c\r\n");
    assertThat(send("RCPT TO:<a@d.test>\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
    assertThat(send("DATA\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
    assertThat(send("VRFY someone\r\n")).isEqualTo("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery\r\n");
    assertThat(send("RSET\r\n")).isEqualTo("250 2.0.0 Reset ok\r\n");
    assertThat(send("QUIT\r\n")).isEqualTo("221 2.0.0 Bye\r\n");
    assertThat(conn.closed).isTrue();
  }

  @Test
  void nextHopUnreachableIs451() {
    authenticated();
    hop.unreachable = true;
    assertThat(send("MAIL FROM:<news@example.com>\r\n")).isEqualTo("451 4.4.1 Next hop unreachable, try again later\r\n");
  }

  @Test
  void journalFullAndJournalBrokenNeverGive250() {
    authenticated();
    journal.failWith = Fakes.Journal.full();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    assertThat(send(MESSAGE + ".\r\n")).isEqualTo("452 4.3.1 Trace journal full, try again later\r\n");
    journal.failWith = Fakes.Journal.broken();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    assertThat(send(MESSAGE + ".\r\n")).isEqualTo("451 4.3.0 Trace record could not be written, try again later\r\n");
  }

  @Test
  void aNearlyFullJournalRefusesAtMailBeforeAnythingIsRelayed() {
    authenticated();
    journal.nearlyFull = true;
    assertThat(send("MAIL FROM:<news@example.com>\r\n")).isEqualTo("452 4.3.1 Trace journal full, try again later\r\n");
    assertThat(send("RCPT TO:<a@d.test>\r\n")).isEqualTo("503 5.5.1 Need MAIL command first\r\n");
    assertThat(hop.delivered).isEmpty();
    journal.nearlyFull = false;
    assertThat(send("MAIL FROM:<news@example.com>\r\n")).isEqualTo("250 2.1.0 Sender ok\r\n");
  }

  @Test
  void stallMidDataTimesOutWith421AndRecordsTheAbortedAttempt() {
    authenticated();
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    send("From: news@example.com\r\nSubject: half");
    assertThat(session.inData()).isTrue();
    session.timeout();
    assertThat(conn.take()).isEqualTo("421 4.4.2 Timeout waiting for data, closing connection\r\n");
    assertThat(conn.closed).isTrue();
    var rec = journal.records.get(0);
    assertThat(rec.status()).isEqualTo(TraceStatus.DEFERRED);
    assertThat(rec.statusReason()).isEqualTo("421 4.4.2 Timeout waiting for data, closing connection");
    assertThat(rec.recipients().get(0).status()).isEqualTo(RecipientStatus.DEFERRED);
    assertThat(hop.delivered).isEmpty();
  }

  @Test
  void shutdownLetsTheTransactionInProgressFinishWithItsRealReplyThenSays421() {
    authenticated();
    journal.holding = true; // the record's fsync is still running when the server stops
    send("MAIL FROM:<news@example.com>\r\nRCPT TO:<a@d.test>\r\nDATA\r\n");
    assertThat(send(MESSAGE + ".\r\n")).isEmpty();
    var stopped = session.shutdown();
    assertThat(stopped.isComplete()).isFalse();
    assertThat(conn.closed).isFalse();
    // a command pipelined behind the final dot is not started any more
    session.receive("MAIL FROM:<news@example.com>\r\n".getBytes(StandardCharsets.ISO_8859_1));
    journal.release();
    assertThat(stopped.isComplete()).isTrue();
    assertThat(conn.take()).startsWith("250 2.0.0 Ok: relayed, trace id " + journal.records.get(0).id())
        .endsWith("\r\n421 4.3.2 Service shutting down, closing connection\r\n");
    assertThat(conn.closed).isTrue();
    assertThat(journal.records).hasSize(1);
  }

  @Test
  void shutdownBetweenTransactionsSays421AtOnce() {
    authenticated();
    assertThat(session.shutdown().isComplete()).isTrue();
    assertThat(conn.take()).isEqualTo("421 4.3.2 Service shutting down, closing connection\r\n");
    assertThat(conn.closed).isTrue();
  }

  @Test
  void commandTimeoutIs421() {
    send("EHLO c\r\n");
    session.timeout();
    assertThat(conn.take()).isEqualTo("421 4.4.2 Timeout waiting for command, closing connection\r\n");
  }

  @Test
  void limitsHaveDefaults() {
    assertThat(SignerConfig.Limits.defaults().commandTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
