package io.mailtrace.signer.relay;

import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.smtp.SmtpReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;

/**
 * {@link NextHop} over a Vert.x NetClient: EHLO, optional STARTTLS and AUTH PLAIN, MAIL/RCPT
 * proxied one command at a time, DATA with the signed bytes. Connections are kept idle for reuse
 * (RSET pipelined with the next MAIL when the next hop offers PIPELINING). One instance per event
 * loop (verticle instance); not thread-safe.
 */
public final class SmtpRelayClient implements NextHop {
  private static final Duration DATA_TIMEOUT = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final SignerConfig.NextHop config;
  private final String heloName;
  private final NetClient client;
  private final ArrayDeque<RelayConnection> idle = new ArrayDeque<>();

  public SmtpRelayClient(Vertx vertx, SignerConfig.NextHop config, String heloName) {
    this.vertx = vertx;
    this.config = config;
    this.heloName = heloName;
    NetClientOptions opts = new NetClientOptions()
        .setConnectTimeout((int) config.connectTimeout().toMillis())
        .setTcpNoDelay(true);
    if (config.trustAll()) {
      opts.setTrustAll(true);
    }
    opts.setHostnameVerificationAlgorithm(config.trustAll() ? "" : "HTTPS");
    this.client = vertx.createNetClient(opts);
  }

  @Override
  public String address() {
    return config.address();
  }

  @Override
  public Future<RelayTransaction> begin(String mailFrom, boolean eightBit) {
    RelayConnection reused = takeIdle();
    if (reused != null) {
      // An idle connection may have been closed by the next hop meanwhile: retry once on a fresh one.
      return mail(reused, mailFrom, eightBit).recover(err -> connect().compose(c -> mail(c, mailFrom, eightBit)));
    }
    return connect().compose(c -> mail(c, mailFrom, eightBit));
  }

  private RelayConnection takeIdle() {
    RelayConnection c;
    while ((c = idle.poll()) != null) {
      if (c.usable()) {
        return c;
      }
    }
    return null;
  }

  private Future<RelayTransaction> mail(RelayConnection c, String mailFrom, boolean eightBit) {
    String cmd = "MAIL FROM:<" + mailFrom + ">" + (eightBit && c.offers("8BITMIME") ? " BODY=8BITMIME" : "");
    Future<SmtpReply> reply;
    if (c.needsReset) {
      c.needsReset = false;
      if (c.offers("PIPELINING")) {
        Future<SmtpReply> rset = c.command("RSET", config.replyTimeout());
        Future<SmtpReply> mail = c.command(cmd, config.replyTimeout());
        reply = rset.compose(r -> mail);
      } else {
        reply = c.command("RSET", config.replyTimeout()).compose(r -> c.command(cmd, config.replyTimeout()));
      }
    } else {
      reply = c.command(cmd, config.replyTimeout());
    }
    return reply.map(r -> new Tx(c, r));
  }

  private Future<RelayConnection> connect() {
    return client.connect(config.port(), config.host())
        .recover(err -> Future.failedFuture(new NextHopUnavailableException("cannot connect to " + address() + ": " + err.getMessage(), err)))
        .compose(socket -> {
          RelayConnection c = new RelayConnection(vertx, socket);
          return c.expect(config.replyTimeout())
              .compose(greeting -> expectCode(greeting, 220, c, "greeting"))
              .compose(v -> ehlo(c))
              .compose(v -> startTls(c))
              .compose(v -> authenticate(c))
              .map(c)
              .onFailure(err -> c.close());
        });
  }

  private Future<Void> ehlo(RelayConnection c) {
    return c.command("EHLO " + heloName, config.replyTimeout())
        .compose(r -> expectCode(r, 250, c, "EHLO"))
        .map(r -> null);
  }

  private Future<SmtpReply> expectCode(SmtpReply r, int code, RelayConnection c, String step) {
    if (r.code() != code) {
      return Future.failedFuture(new NextHopUnavailableException("next hop refused " + step + ": " + r.oneLine()));
    }
    if (step.equals("EHLO")) {
      c.rememberExtensions(r);
    }
    return Future.succeededFuture(r);
  }

  private Future<Void> startTls(RelayConnection c) {
    if (!config.startTls()) {
      return Future.succeededFuture();
    }
    if (!c.offers("STARTTLS")) {
      return Future.failedFuture(new NextHopUnavailableException("next hop does not offer STARTTLS"));
    }
    return c.command("STARTTLS", config.replyTimeout())
        .compose(r -> expectCode(r, 220, c, "STARTTLS"))
        .compose(r -> c.upgradeToTls())
        .compose(v -> ehlo(c));
  }

  private Future<Void> authenticate(RelayConnection c) {
    if (config.username() == null) {
      return Future.succeededFuture();
    }
    String token = Base64.getEncoder().encodeToString(
        ("\0" + config.username() + "\0" + config.password()).getBytes(StandardCharsets.UTF_8));
    return c.command("AUTH PLAIN " + token, config.replyTimeout())
        .compose(r -> expectCode(r, 235, c, "AUTH"))
        .mapEmpty();
  }

  private void giveBack(RelayConnection c) {
    if (c.usable() && idle.size() < config.maxIdleConnections()) {
      idle.add(c);
    } else {
      c.quit();
    }
  }

  @Override
  public Future<Void> close() {
    RelayConnection c;
    while ((c = idle.poll()) != null) {
      c.quit();
    }
    return client.close();
  }

  /** A transaction on one connection; the connection returns to the pool when it ends. */
  private final class Tx implements RelayTransaction {
    private final RelayConnection c;
    private final SmtpReply mailReply;
    private boolean finished;

    Tx(RelayConnection c, SmtpReply mailReply) {
      this.c = c;
      this.mailReply = mailReply;
    }

    @Override
    public SmtpReply mailReply() {
      return mailReply;
    }

    @Override
    public Future<SmtpReply> rcpt(String address) {
      return c.command("RCPT TO:<" + address + ">", config.replyTimeout());
    }

    @Override
    public Future<SmtpReply> data(byte[] message) {
      return c.command("DATA", config.replyTimeout())
          .compose(r -> {
            if (r.code() == 354) {
              return c.message(message, DATA_TIMEOUT); // after the final reply the transaction is over
            }
            c.needsReset = true; // DATA refused: the transaction is still open at the next hop
            return Future.succeededFuture(r);
          })
          .andThen(ar -> {
            if (!finished) {
              finished = true;
              if (ar.failed()) {
                c.close();
              } else {
                giveBack(c);
              }
            }
          });
    }

    @Override
    public void release() {
      if (!finished) {
        finished = true;
        c.needsReset = true;
        giveBack(c);
      }
    }
  }
}
