package io.mailtrace.signer.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.signer.accounts.Account;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.DkimSignerCore;
import io.mailtrace.signer.dkim.DkimSigningException;
import io.mailtrace.signer.dkim.MessageSigner;
import io.mailtrace.signer.dkim.SignedMessage;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.dkim.SigningKeySource;
import io.mailtrace.signer.message.HeaderSection;
import io.mailtrace.signer.message.MessageSummary;
import io.mailtrace.signer.pipeline.SigningPipeline;
import io.mailtrace.signer.smtp.Authenticator;
import io.mailtrace.signer.smtp.SmtpConnection;
import io.mailtrace.signer.smtp.SmtpReply;
import io.mailtrace.signer.smtp.SmtpSession;
import io.mailtrace.signer.testing.Fakes;
import io.vertx.core.Future;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Fuzzes the SMTP session state machine (socket-free) with command sequences mixed with arbitrary
 * bytes, cut into arbitrary packets: STARTTLS/AUTH dialogues, pipelining, DATA content with dot
 * stuffing, bare CR/LF, over-long lines. The pipeline behind it is the real one with the real DKIM
 * signer; only our own ports (auth, next hop, journal, connection) are fakes.
 *
 * <p>Invariants: nothing throws; every reply is a well-formed SMTP reply with an enhanced status
 * code (RFC 2034) wherever one is due; nothing is sent after a closing reply; a "250 relayed" is
 * given exactly for the messages the next hop got, each of them a valid, signed message of an
 * authenticated (or trusted) client; the session's buffers stay bounded.
 */
class SmtpSessionFuzzTest {
  private static final long MAX_MESSAGE = 4096;
  private static final int MAX_COMMAND_LINE = 512;
  private static final int MAX_CHUNK = 1 + 31 * 95;
  private static final String HOST = "localhost"; // SignerConfig.defaults()
  private static final Pattern WIRE_LINE = Pattern.compile("([2-5][0-9][0-9])([ -])([\\t\\x20-\\x7e]*)");
  private static final Pattern ENHANCED = Pattern.compile("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

  /**
   * Input layout: byte 0 holds the options (bit 0: trusted client address; bits 1-2 both set: the
   * TLS handshake fails; bit 5: an idle timeout ends the session; bits 3-7 also pick the packet
   * size, 1 to 2,945 bytes, so framing is tried across every boundary); the rest is what the
   * client sends. Seeds in SmtpSessionFuzzTestInputs are complete dialogues.
   */
  @FuzzTest(maxDuration = "60s")
  // Jazzer 0.24 writes these unescaped into a libFuzzer dictionary: no control characters here.
  @DictionaryEntries({
    "EHLO client.test", "HELO ", "STARTTLS", "AUTH PLAIN ", "AUTH LOGIN", "AUTH PLAIN",
    "AGxvZ2luQGV4YW1wbGUuY29tAHNlY3JldA==", "AHNob3BAZXhhbXBsZS5jb20Ac2VjcmV0", "c2hvcEBleGFtcGxlLmNvbQ==", "c2VjcmV0",
    "MAIL FROM:<", "news@example.com>", "RCPT TO:<", "a@dest.test>", "refused@dest.test>", " SIZE=", " BODY=8BITMIME",
    "DATA", ".", "..", "RSET", "NOOP", "QUIT", "VRFY ", "BDAT ", "From: ",
    "Subject: ", "To: ", "DKIM-Signature: v=1; d=example.com; s=fz1; b=;", "=?utf-8?b?", "@example.com"
  })
  void sessionNeverMisbehaves(byte[] input) throws Exception {
    int flags = input.length == 0 ? 0 : input[0] & 0xff;
    var run = new Run((flags & 1) != 0 ? "10.0.0.1" : "192.0.2.7", (flags & 6) == 6);
    int packet = 1 + (flags >>> 3) * 95;
    run.session.start();
    for (int off = 1; off < input.length && !run.conn.closed; off += packet) {
      int n = Math.min(packet, input.length - off);
      run.session.receive(Arrays.copyOfRange(input, off, off + n));
      run.conn.rethrow();
      run.checkBounded();
    }
    if ((flags & 0x20) != 0) {
      run.session.timeout();
    }
    run.session.connectionClosed();
    run.conn.rethrow();
    run.checkOutcome();
  }

  /** One session with its fakes and the invariants checked on every reply. */
  private static final class Run {
    final Conn conn = new Conn();
    final Fakes.Hop hop = new Fakes.Hop();
    final Fakes.Journal journal = new Fakes.Journal();
    final RecordingAuth auth = new RecordingAuth();
    final SyncSigner signer = new SyncSigner();
    final SmtpSession session;

    Run(String ip, boolean tlsFails) {
      conn.tlsFails = tlsFails;
      SignerConfig config = SignerConfig.defaults()
          .withTls(Path.of("cert.pem"), Path.of("key.pem"))
          .withLimits(new SignerConfig.Limits(MAX_MESSAGE, 3, MAX_COMMAND_LINE, 1000,
              Duration.ofMinutes(5), Duration.ofMinutes(3), 50, 20))
          .withNodeName("fuzz-node");
      SigningKeySource keys = (accountDomain, fromDomain) -> Future.succeededFuture(
          new SigningKeySource.Selection(List.of(FuzzKeys.ed25519(accountDomain)), Optional.empty()));
      var pipeline = new SigningPipeline(signer, keys, journal, hop.address(), "fuzz-node", CLOCK);
      session = new SmtpSession(config, ip, auth, hop, pipeline, conn);
    }

    void checkBounded() throws ReflectiveOperationException {
      Object framer = field(session, "framer");
      int buf = ((byte[]) field(framer, "buf")).length;
      assertThat(buf).as("input buffer").isLessThanOrEqualTo(4096 + 2 * (MAX_COMMAND_LINE + MAX_CHUNK));
      byte[] msg = (byte[]) field(framer, "msg");
      if (msg != null) {
        assertThat(msg.length).as("message buffer").isLessThanOrEqualTo((int) Math.max(8192, MAX_MESSAGE + 2));
      }
    }

    void checkOutcome() {
      assertThat(signer.unexpected).as("signer threw something other than DkimSigningException").isEmpty();
      long relayedReplies = conn.replies.stream().filter(r -> r.code() == 250 && r.lines().get(0).startsWith("Ok: relayed")).count();
      long relayedRecords = journal.records.stream()
          .filter(r -> r.status() == TraceStatus.RELAYED || r.status() == TraceStatus.PARTIAL).count();
      assertThat(relayedReplies).as("250 after the final dot == messages handed to the next hop")
          .isEqualTo(hop.delivered.size()).isEqualTo(relayedRecords);
      if (!hop.delivered.isEmpty()) {
        assertThat(auth.succeeded || auth.trustedAsked).as("a message was relayed for an unauthenticated client").isTrue();
      }
      for (byte[] m : hop.delivered) {
        checkDelivered(m);
      }
      for (TraceRecord r : journal.records) {
        assertThat(r.domain()).isEqualTo("example.com");
      }
    }

    private static void checkDelivered(byte[] signed) {
      String s = new String(signed, StandardCharsets.ISO_8859_1);
      assertThat(s).startsWith("DKIM-Signature:");
      assertThat(signed.length).isLessThanOrEqualTo((int) MAX_MESSAGE + 2000);
      for (int i = 0; i < signed.length; i++) {
        if (signed[i] == '\r') {
          assertThat(i + 1 < signed.length && signed[i + 1] == '\n').as("bare CR relayed at %d", i).isTrue();
        } else if (signed[i] == '\n') {
          assertThat(i > 0 && signed[i - 1] == '\r').as("bare LF relayed at %d", i).isTrue();
        }
      }
      for (String line : s.split("\r\n", -1)) {
        assertThat(line.length()).as("relayed line length").isLessThanOrEqualTo(998);
      }
      HeaderSection h = HeaderSection.parse(signed);
      assertThat(h.count("From")).isEqualTo(1);
      assertThat(MessageSummary.fromAddresses(h.first("From").orElseThrow()))
          .allSatisfy(a -> assertThat(a.toLowerCase()).endsWith("@example.com"));
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
      // White-box on purpose: "bounded memory" is about these private buffers.
      Field f = o.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return f.get(o);
    }
  }

  /** Checks every reply as it is sent. */
  private static final class Conn implements SmtpConnection {
    final List<SmtpReply> replies = new ArrayList<>();
    boolean closed;
    boolean tlsFails;

    /** Failed checks: send() runs inside Vert.x future callbacks, which would swallow a throw. */
    final List<AssertionError> violations = new ArrayList<>();

    void rethrow() {
      if (!violations.isEmpty()) {
        throw violations.get(0);
      }
    }

    @Override
    public void send(SmtpReply r) {
      try {
        check(r);
      } catch (AssertionError e) {
        violations.add(e);
      }
    }

    private void check(SmtpReply r) {
      assertThat(closed).as("reply %s sent after the connection was closed", r).isFalse();
      boolean greeting = replies.isEmpty();
      replies.add(r);
      String wire = r.wire();
      assertThat(wire).endsWith("\r\n");
      String[] lines = wire.substring(0, wire.length() - 2).split("\r\n", -1);
      for (int i = 0; i < lines.length; i++) {
        var m = WIRE_LINE.matcher(lines[i]);
        assertThat(m.matches()).as("malformed reply line %s", lines[i]).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(r.code());
        assertThat(m.group(2)).isEqualTo(i == lines.length - 1 ? " " : "-");
        assertThat(lines[i].length()).as("reply line length").isLessThanOrEqualTo(512);
      }
      int cls = r.code() / 100;
      boolean exempt = cls == 3 // RFC 2034: 2xx, 4xx and 5xx carry the enhanced code
          || greeting && r.code() == 220
          || r.code() == 250 && r.lines().get(0).startsWith(HOST + " Hello ");
      if (!exempt) {
        assertThat(r.enhanced()).as("enhanced status of %s", r).isNotNull();
      }
      if (r.enhanced() != null) {
        assertThat(r.enhanced()).matches(ENHANCED);
        assertThat(r.enhanced().charAt(0) - '0').as("class of %s", r).isEqualTo(cls);
      }
    }

    @Override
    public Future<TlsInfo> startTls() {
      return tlsFails
          ? Future.failedFuture(new javax.net.ssl.SSLHandshakeException("fuzzed handshake failure"))
          : Future.succeededFuture(new TlsInfo(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256"));
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final class RecordingAuth implements Authenticator {
    private final Fakes.Auth delegate = new Fakes.Auth();
    boolean succeeded;
    boolean trustedAsked;

    @Override
    public Future<Optional<Account>> authenticate(String user, String password) {
      return delegate.authenticate(user, password).onSuccess(a -> succeeded |= a.isPresent());
    }

    @Override
    public boolean trusted(String clientIp) {
      boolean t = delegate.trusted(clientIp);
      trustedAsked |= t;
      return t;
    }

    @Override
    public Future<Optional<Account>> accountForDomain(String domain) {
      return delegate.accountForDomain(domain);
    }
  }

  /** The real signer core, called synchronously; anything but its typed exception is recorded. */
  private static final class SyncSigner implements MessageSigner {
    private final DkimSignerCore core = new DkimSignerCore(CLOCK);
    final List<Throwable> unexpected = new ArrayList<>();

    @Override
    public Future<SignedMessage> sign(byte[] message, HeaderSection headers, List<SigningKey> keys) {
      try {
        return Future.succeededFuture(core.sign(message, headers, keys));
      } catch (DkimSigningException e) {
        return Future.failedFuture(e);
      } catch (RuntimeException e) {
        unexpected.add(e);
        return Future.failedFuture(e);
      }
    }
  }
}
