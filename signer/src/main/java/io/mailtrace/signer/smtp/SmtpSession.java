package io.mailtrace.signer.smtp;

import io.mailtrace.model.TlsInfo;
import io.mailtrace.signer.accounts.Account;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.pipeline.DeliveryPipeline;
import io.mailtrace.signer.pipeline.Transaction;
import io.mailtrace.signer.relay.NextHop;
import io.mailtrace.signer.relay.NextHopUnavailableException;
import io.mailtrace.signer.smtp.InputFramer.DataProblem;
import io.mailtrace.signer.smtp.InputFramer.Input;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound SMTP protocol as a socket-free state machine (RFC 5321, 1870, 2920, 3207, 4954,
 * 6152, 2034). Bytes go in through {@link #receive}; replies come out through
 * {@link SmtpConnection#send}. Commands are handled strictly one at a time, in order (pipelined
 * input waits in the framer while the connection is paused), so replies keep the command order.
 *
 * <p>Confined to one event loop: every method and every future callback runs there.
 */
public final class SmtpSession {
  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
  private static final Pattern PATH = Pattern.compile("(?i)^(FROM|TO):\\s*<([^<>]*)>(.*)$");
  private static final Pattern MAILBOX = Pattern.compile("^[^\\s@<>()\\[\\]\\\\,;:\"]{1,64}@([A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})+)$");

  private enum AuthStep { NONE, PLAIN, LOGIN_USER, LOGIN_PASS }

  private final String hostname;
  private final SignerConfig.Limits limits;
  private final boolean tlsAvailable;
  private final String clientIp;
  private final Authenticator auth;
  private final NextHop nextHop;
  private final DeliveryPipeline pipeline;
  private final SmtpConnection conn;
  private final InputFramer framer;

  private String helo;
  private TlsInfo tls = TlsInfo.NONE;
  private Account account;
  private AuthStep authStep = AuthStep.NONE;
  private String loginUser;
  private Transaction tx;
  private int errors;
  private boolean busy;
  private boolean closed;
  private boolean pumping;
  /** The server is stopping: no new command is started once the step in progress ends. */
  private boolean stopping;
  /** Completed when the step in progress ends, while stopping. */
  private Promise<Void> stepDone;

  public SmtpSession(
      SignerConfig config,
      String clientIp,
      Authenticator auth,
      NextHop nextHop,
      DeliveryPipeline pipeline,
      SmtpConnection conn) {
    this.hostname = config.hostname();
    this.limits = config.limits();
    this.tlsAvailable = config.tlsEnabled();
    this.clientIp = clientIp;
    this.auth = auth;
    this.nextHop = nextHop;
    this.pipeline = pipeline;
    this.conn = conn;
    this.framer = new InputFramer(limits.maxCommandLine(), limits.maxDataLine(), limits.maxMessageBytes());
  }

  /** Sends the greeting. */
  public void start() {
    conn.send(SmtpReply.greeting(hostname));
  }

  /** Bytes from the client. */
  public void receive(byte[] bytes) {
    if (closed) {
      return;
    }
    framer.feed(bytes);
    pump();
  }

  /** Whether the session waits for message data (the adapter picks the data timeout then). */
  public boolean inData() {
    return framer.inData();
  }

  public boolean closed() {
    return closed;
  }

  /** The client was idle too long: 421, the aborted transaction is recorded, the connection closes. */
  public Future<Void> timeout() {
    if (closed) {
      return Future.succeededFuture();
    }
    SmtpReply reply = framer.inData() ? SmtpReply.DATA_TIMEOUT : SmtpReply.COMMAND_TIMEOUT;
    return finishAbandoned(reply).andThen(x -> shutdown(reply)).mapEmpty();
  }

  /** The peer closed the connection (or it broke): ends any transaction, writes its record if due. */
  public Future<Void> connectionClosed() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return finishAbandoned(new SmtpReply(421, "4.4.2", "Connection closed by client")).mapEmpty();
  }

  /**
   * The server is stopping. A step in progress (a message past its final dot being signed, relayed
   * and journaled) finishes first, so its client gets the real reply (250 or 4xx), never a cut
   * connection; then 421. A transaction still receiving DATA is abandoned (recorded) with 421.
   */
  public Future<Void> shutdown() {
    if (closed) {
      return Future.succeededFuture();
    }
    stopping = true;
    if (busy) {
      if (stepDone == null) {
        stepDone = Promise.promise();
      }
      return stepDone.future().compose(v -> shutdown());
    }
    return finishAbandoned(SmtpReply.SHUTTING_DOWN).andThen(x -> shutdown(SmtpReply.SHUTTING_DOWN)).mapEmpty();
  }

  private void shutdown(SmtpReply reply) {
    if (!closed) {
      closed = true;
      conn.send(reply);
      conn.close();
    }
  }

  /** A transaction that reached DATA is recorded even when it never finished. */
  private Future<SmtpReply> finishAbandoned(SmtpReply reason) {
    Transaction t = tx;
    tx = null;
    if (t == null) {
      return Future.succeededFuture(reason);
    }
    if (framer.inData()) {
      return pipeline.refuse(t, reason, 0);
    }
    t.releaseRelay();
    return Future.succeededFuture(reason);
  }

  // ---------------------------------------------------------------------------------------------

  private void pump() {
    if (pumping) {
      return; // re-entered from a synchronously completed future: the loop below continues
    }
    pumping = true;
    try {
      while (!busy && !closed && !stopping) {
        Input in = framer.next();
        if (in == null) {
          return;
        }
        Future<Void> step = process(in);
        if (!step.isComplete()) {
          busy = true;
          conn.pause();
          step.onComplete(x -> {
            busy = false;
            if (stopping) {
              Promise<Void> p = stepDone;
              stepDone = null;
              if (p != null) {
                p.complete();
              }
              return;
            }
            if (!closed) {
              conn.resume();
              pump();
            }
          });
          return;
        }
      }
    } finally {
      pumping = false;
    }
  }

  private Future<Void> process(Input in) {
    if (in instanceof Input.DataEnd d) {
      return endOfData(d).map(this::reply);
    }
    if (in instanceof Input.LineTooLong) {
      return Future.succeededFuture(reply(SmtpReply.LINE_TOO_LONG));
    }
    String line = ((Input.Line) in).text();
    if (authStep != AuthStep.NONE) {
      return authResponse(line).map(this::reply);
    }
    return command(line).map(this::reply);
  }

  /** Sends a reply and keeps the error count; returns null for the compose chain. */
  private Void reply(SmtpReply r) {
    if (r == null || closed) {
      return null;
    }
    conn.send(r);
    if (r.closesConnection()) {
      closed = true;
      conn.close();
      return null;
    }
    if (r.code() >= 500 && r.code() < 506 || r.code() == 530 || r.code() == 535 || r.code() == 538 || r.code() == 555) {
      errors++;
      if (errors >= limits.maxErrors()) {
        shutdown(SmtpReply.TOO_MANY_ERRORS);
      }
    }
    return null;
  }

  private static boolean printableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private Future<SmtpReply> command(String line) {
    if (!printableAscii(line)) {
      return done(SmtpReply.UNRECOGNIZED);
    }
    int sp = line.indexOf(' ');
    String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    String arg = sp < 0 ? "" : line.substring(sp + 1).trim();
    switch (verb) {
      case "EHLO":
        return done(hello(arg, true));
      case "HELO":
        return done(hello(arg, false));
      case "STARTTLS":
        return startTls(arg);
      case "AUTH":
        return authCommand(arg);
      case "MAIL":
        return mail(arg);
      case "RCPT":
        return rcpt(arg);
      case "DATA":
        return data(arg);
      case "RSET":
        return finishAbandoned(SmtpReply.RESET_OK).map(SmtpReply.RESET_OK);
      case "NOOP":
        return done(SmtpReply.OK);
      case "QUIT":
        return finishAbandoned(SmtpReply.BYE).map(SmtpReply.BYE);
      case "VRFY":
        return done(arg.isEmpty() ? SmtpReply.BAD_SYNTAX : SmtpReply.VRFY_CANNOT);
      case "HELP":
      case "EXPN":
      case "TURN":
      case "ETRN":
      case "BDAT":
        return done(SmtpReply.NOT_IMPLEMENTED);
      default:
        return done(SmtpReply.UNRECOGNIZED);
    }
  }

  private static Future<SmtpReply> done(SmtpReply r) {
    return Future.succeededFuture(r);
  }

  private SmtpReply hello(String arg, boolean extended) {
    // A domain has at most 255 octets (RFC 5321 4.5.3.1.2); a longer argument would also make our
    // "Hello <arg>" reply line exceed the 512-octet limit (4.5.3.1.5). Found by SmtpSessionFuzzTest.
    if (arg.isEmpty() || arg.contains(" ") || arg.length() > 255) {
      return SmtpReply.BAD_SYNTAX;
    }
    if (tx != null) {
      finishAbandoned(SmtpReply.RESET_OK); // EHLO resets the transaction (RFC 5321 4.1.4)
    }
    helo = arg;
    if (!extended) {
      return SmtpReply.helo(hostname, arg);
    }
    var ext = new ArrayList<String>();
    ext.add("PIPELINING");
    ext.add("SIZE " + limits.maxMessageBytes());
    ext.add("8BITMIME");
    ext.add("ENHANCEDSTATUSCODES");
    if (tlsAvailable && !tls.enabled()) {
      ext.add("STARTTLS");
    }
    if (tls.enabled()) {
      ext.add("AUTH PLAIN LOGIN");
    }
    return SmtpReply.ehlo(hostname, arg, ext);
  }

  private Future<SmtpReply> startTls(String arg) {
    if (!arg.isEmpty()) {
      return done(SmtpReply.BAD_SYNTAX);
    }
    if (tls.enabled()) {
      return done(SmtpReply.TLS_ALREADY_ACTIVE);
    }
    if (!tlsAvailable) {
      return done(SmtpReply.TLS_NOT_AVAILABLE);
    }
    if (helo == null) {
      return done(SmtpReply.NEED_HELO);
    }
    conn.send(SmtpReply.READY_FOR_TLS);
    // RFC 3207 / CVE-2011-0411: anything pipelined after STARTTLS was sent in clear: drop it.
    framer.discardBuffered();
    return conn.startTls()
        .map(info -> {
          // Forget everything learnt before TLS (RFC 3207 4.2): the client must EHLO again.
          tls = info;
          helo = null;
          account = null;
          if (tx != null) {
            tx.releaseRelay();
            tx = null;
          }
          return (SmtpReply) null;
        })
        .otherwise(err -> {
          log.debug("TLS handshake with {} failed: {}", clientIp, err.toString());
          closed = true;
          conn.close();
          return null;
        });
  }

  // --- AUTH (RFC 4954) --------------------------------------------------------------------

  private Future<SmtpReply> authCommand(String arg) {
    if (helo == null) {
      return done(SmtpReply.NEED_HELO);
    }
    if (!tls.enabled()) {
      return done(SmtpReply.ENCRYPTION_REQUIRED);
    }
    if (account != null) {
      return done(SmtpReply.ALREADY_AUTHENTICATED);
    }
    if (tx != null) {
      return done(SmtpReply.AUTH_DURING_MAIL);
    }
    String[] parts = arg.split(" ");
    String mech = parts[0].toUpperCase(Locale.ROOT);
    String initial = parts.length > 1 ? parts[1] : null;
    if (parts.length > 2) {
      return done(SmtpReply.BAD_SYNTAX);
    }
    switch (mech) {
      case "PLAIN":
        if (initial == null) {
          authStep = AuthStep.PLAIN;
          return done(SmtpReply.AUTH_CONTINUE);
        }
        return plain(initial);
      case "LOGIN":
        if (initial == null) {
          authStep = AuthStep.LOGIN_USER;
          return done(SmtpReply.AUTH_USERNAME);
        }
        return loginUser(initial);
      default:
        return done(SmtpReply.AUTH_MECHANISM_UNKNOWN);
    }
  }

  private Future<SmtpReply> authResponse(String line) {
    AuthStep step = authStep;
    authStep = AuthStep.NONE;
    if (line.equals("*")) {
      return done(SmtpReply.AUTH_CANCELLED);
    }
    switch (step) {
      case PLAIN:
        return plain(line);
      case LOGIN_USER:
        return loginUser(line);
      case LOGIN_PASS:
        Optional<String> password = decode(line);
        return password.isEmpty() ? done(SmtpReply.AUTH_BAD_BASE64) : check(loginUser, password.get());
      default:
        return done(SmtpReply.UNRECOGNIZED);
    }
  }

  private Future<SmtpReply> loginUser(String b64) {
    Optional<String> user = decode(b64);
    if (user.isEmpty()) {
      return done(SmtpReply.AUTH_BAD_BASE64);
    }
    loginUser = user.get();
    authStep = AuthStep.LOGIN_PASS;
    return done(SmtpReply.AUTH_PASSWORD);
  }

  private Future<SmtpReply> plain(String b64) {
    Optional<String> decoded = b64.equals("=") ? Optional.of("") : decode(b64);
    if (decoded.isEmpty()) {
      return done(SmtpReply.AUTH_BAD_BASE64);
    }
    String[] f = decoded.get().split("\0", -1);
    if (f.length != 3 || !f[0].isEmpty() && !f[0].equals(f[1])) {
      return done(SmtpReply.AUTH_FAILED); // authorization identity other than oneself: refused
    }
    return check(f[1], f[2]);
  }

  private Future<SmtpReply> check(String user, String password) {
    return auth.authenticate(user, password)
        .map(acc -> {
          if (acc.isEmpty()) {
            log.info("AUTH failed for '{}' from {}", SmtpReply.sanitize(user), clientIp);
            return SmtpReply.AUTH_FAILED;
          }
          account = acc.get();
          return SmtpReply.AUTH_OK;
        })
        .otherwise(err -> {
          log.warn("AUTH error for {}: {}", clientIp, err.toString());
          return SmtpReply.AUTH_TEMP_FAILURE;
        });
  }

  private static Optional<String> decode(String b64) {
    try {
      return Optional.of(new String(Base64.getDecoder().decode(b64.trim()), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  // --- transaction ---------------------------------------------------------------------------

  private Future<SmtpReply> mail(String arg) {
    if (helo == null) {
      return done(SmtpReply.NEED_HELO);
    }
    if (tx != null) {
      return done(SmtpReply.NESTED_MAIL);
    }
    Matcher m = PATH.matcher(arg);
    if (!m.matches() || !m.group(1).equalsIgnoreCase("FROM")) {
      return done(SmtpReply.BAD_SYNTAX);
    }
    String sender = stripSourceRoute(m.group(2).trim());
    Matcher box = MAILBOX.matcher(sender);
    if (!sender.isEmpty() && !box.matches()) {
      return done(SmtpReply.BAD_SENDER_SYNTAX);
    }
    boolean eightBit = false;
    for (String p : m.group(3).trim().split("\\s+")) {
      if (p.isEmpty()) {
        continue;
      }
      String key = p.contains("=") ? p.substring(0, p.indexOf('=')).toUpperCase(Locale.ROOT) : p.toUpperCase(Locale.ROOT);
      String val = p.contains("=") ? p.substring(p.indexOf('=') + 1) : "";
      switch (key) {
        case "SIZE":
          try {
            if (Long.parseLong(val) > limits.maxMessageBytes()) {
              return done(SmtpReply.MESSAGE_TOO_BIG);
            }
          } catch (NumberFormatException e) {
            return done(SmtpReply.BAD_SYNTAX);
          }
          break;
        case "BODY":
          if (val.equalsIgnoreCase("8BITMIME")) {
            eightBit = true;
          } else if (!val.equalsIgnoreCase("7BIT")) {
            return done(SmtpReply.BAD_PARAMETER);
          }
          break;
        case "AUTH":
          break; // RFC 4954 5: accepted and not passed on
        default:
          return done(SmtpReply.BAD_PARAMETER);
      }
    }
    String senderDomain = sender.isEmpty() ? null : box.group(1).toLowerCase(Locale.ROOT);
    if (account != null) {
      return openTransaction(account, sender, senderDomain, eightBit, SmtpReply.SENDER_DOMAIN_NOT_ALLOWED);
    }
    if (!auth.trusted(clientIp)) {
      return done(SmtpReply.AUTH_REQUIRED); // never an open relay
    }
    // Trusted MTA in front: the envelope sender's domain names the account.
    if (senderDomain == null) {
      return done(SmtpReply.NULL_SENDER_NOT_ALLOWED);
    }
    boolean eight = eightBit;
    return auth.accountForDomain(senderDomain)
        .compose(acc -> acc.isEmpty()
            ? done(SmtpReply.UNKNOWN_SENDER_DOMAIN)
            : openTransaction(acc.get(), sender, senderDomain, eight, SmtpReply.UNKNOWN_SENDER_DOMAIN))
        .otherwise(err -> {
          log.warn("account lookup failed: {}", err.toString());
          return SmtpReply.AUTH_TEMP_FAILURE;
        });
  }

  private Future<SmtpReply> openTransaction(
      Account a, String sender, String senderDomain, boolean eightBit, SmtpReply wrongDomain) {
    Transaction t = new Transaction(clientIp, helo, tls, a, sender);
    if (senderDomain == null) {
      return pipeline.refuse(t, SmtpReply.NULL_SENDER_NOT_ALLOWED, 0);
    }
    if (!senderDomain.equals(a.domain())) {
      return pipeline.refuse(t, wrongDomain, 0);
    }
    if (!pipeline.canTrace()) {
      // Refuse before relaying: a message the next hop took but we could not trace would be
      // answered 452 and sent again by the client. No record either: there is no room for one.
      return done(SmtpReply.JOURNAL_FULL);
    }
    return nextHop.begin(sender, eightBit)
        .map(relay -> {
          t.relay(relay);
          tx = t;
          return SmtpReply.SENDER_OK;
        })
        .otherwise(err -> {
          log.warn("next hop {} unavailable: {}", nextHop.address(), err.getMessage());
          return SmtpReply.NEXT_HOP_UNREACHABLE;
        });
  }

  private static String stripSourceRoute(String path) {
    // RFC 5321 4.1.2: "@a,@b:user@d" -> "user@d"
    if (path.startsWith("@") && path.contains(":")) {
      return path.substring(path.indexOf(':') + 1);
    }
    return path;
  }

  private Future<SmtpReply> rcpt(String arg) {
    if (tx == null) {
      return done(helo == null ? SmtpReply.NEED_HELO : SmtpReply.NEED_MAIL);
    }
    Matcher m = PATH.matcher(arg);
    if (!m.matches() || !m.group(1).equalsIgnoreCase("TO")) {
      return done(SmtpReply.BAD_SYNTAX);
    }
    if (!m.group(3).isBlank()) {
      return done(SmtpReply.BAD_PARAMETER);
    }
    String rcpt = stripSourceRoute(m.group(2).trim());
    if (!MAILBOX.matcher(rcpt).matches() && !rcpt.equalsIgnoreCase("postmaster")) {
      return done(SmtpReply.BAD_RECIPIENT_SYNTAX);
    }
    if (tx.accepted().size() >= limits.maxRecipients()) {
      return done(SmtpReply.TOO_MANY_RECIPIENTS);
    }
    Transaction t = tx;
    if (t.relay() == null) {
      return done(SmtpReply.NEXT_HOP_PROTOCOL_ERROR);
    }
    return t.relay().rcpt(rcpt)
        .otherwise(err -> {
          log.warn("next hop {} failed during RCPT: {}", nextHop.address(), err.getMessage());
          t.releaseRelay();
          return err instanceof NextHopUnavailableException ? SmtpReply.NEXT_HOP_PROTOCOL_ERROR : SmtpReply.LOCAL_ERROR;
        })
        .map(r -> {
          t.addRcpt(rcpt, r);
          return r;
        });
  }

  private Future<SmtpReply> data(String arg) {
    if (!arg.isEmpty()) {
      return done(SmtpReply.BAD_SYNTAX);
    }
    if (tx == null) {
      return done(helo == null ? SmtpReply.NEED_HELO : SmtpReply.NEED_MAIL);
    }
    if (tx.rcpts().isEmpty()) {
      return done(SmtpReply.NEED_RCPT);
    }
    if (tx.accepted().isEmpty() || tx.relay() == null) {
      Transaction t = tx;
      tx = null;
      SmtpReply r = t.relay() == null ? SmtpReply.NEXT_HOP_PROTOCOL_ERROR : SmtpReply.NO_VALID_RECIPIENTS;
      return pipeline.refuse(t, r, 0);
    }
    framer.startData();
    return done(SmtpReply.START_DATA);
  }

  private Future<SmtpReply> endOfData(Input.DataEnd d) {
    Transaction t = tx;
    tx = null;
    if (t == null) {
      return done(SmtpReply.LOCAL_ERROR); // cannot happen: data mode starts only with a transaction
    }
    SmtpReply refusal = switch (d.problem()) {
      case NONE -> null;
      case BARE_LF -> SmtpReply.BARE_LF;
      case BARE_CR -> SmtpReply.BARE_CR;
      case LINE_TOO_LONG -> SmtpReply.DATA_LINE_TOO_LONG;
      case TOO_BIG -> SmtpReply.MESSAGE_TOO_BIG;
    };
    if (refusal != null) {
      return pipeline.refuse(t, refusal, d.size());
    }
    return pipeline.deliver(t, d.message());
  }
}
