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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@link NextHop} over a Vert.x NetClient: EHLO, optional STARTTLS and AUTH PLAIN, MAIL sent with
 * the first RCPT, each RCPT proxied, DATA with the signed bytes. Connections are kept idle for
 * reuse (RSET pipelined with the next MAIL when the next hop offers PIPELINING). One instance per
 * event loop (verticle instance); not thread-safe.
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
      return Future.succeededFuture(new Tx(reused, true, mailFrom, eightBit));
    }
    return connect().map(c -> new Tx(c, false, mailFrom, eightBit));
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

  /**
   * A transaction on one connection; the connection returns to the pool when it ends. MAIL waits
   * for the first RCPT and goes out with it in one write (after RSET when the connection needs
   * one), so a message costs one round trip fewer; without PIPELINING they go one at a time.
   */
  private final class Tx implements RelayTransaction {
    private RelayConnection c;
    private boolean reused;
    private final String mailFrom;
    private final boolean eightBit;
    /** The next hop's answer to MAIL, once sent; a refusal answers every RCPT. */
    private Future<SmtpReply> mail;
    private boolean finished;

    Tx(RelayConnection c, boolean reused, String mailFrom, boolean eightBit) {
      this.c = c;
      this.reused = reused;
      this.mailFrom = mailFrom;
      this.eightBit = eightBit;
    }

    private String mailCommand() {
      return "MAIL FROM:<" + mailFrom + ">" + (eightBit && c.offers("8BITMIME") ? " BODY=8BITMIME" : "");
    }

    @Override
    public Future<SmtpReply> rcpt(String address) {
      String rcpt = "RCPT TO:<" + address + ">";
      if (mail != null) {
        return mail.compose(m -> m.positive() ? c.command(rcpt, config.replyTimeout()) : Future.succeededFuture(m));
      }
      return mailWith(rcpt).recover(err -> {
        if (!reused) {
          return Future.failedFuture(err);
        }
        // An idle connection may have been closed by the next hop meanwhile: once more on a fresh one.
        reused = false;
        c.close();
        return connect().compose(fresh -> {
          c = fresh;
          return mailWith(rcpt);
        });
      });
    }

    /** Sends MAIL (after RSET when needed) with the first RCPT; the RCPT's reply, or MAIL's refusal. */
    private Future<SmtpReply> mailWith(String rcpt) {
      List<String> group = new ArrayList<>(3);
      if (c.needsReset) {
        c.needsReset = false;
        group.add("RSET");
      }
      group.add(mailCommand());
      Future<SmtpReply> rcptReply;
      if (c.offers("PIPELINING")) {
        group.add(rcpt);
        List<Future<SmtpReply>> replies = c.commands(group, config.replyTimeout());
        mail = replies.get(group.size() - 2);
        rcptReply = replies.get(group.size() - 1);
      } else {
        Future<SmtpReply> last = null;
        for (String cmd : group) {
          last = last == null ? c.command(cmd, config.replyTimeout()) : last.compose(r -> c.command(cmd, config.replyTimeout()));
        }
        mail = last;
        rcptReply = null;
      }
      Future<SmtpReply> pipelined = rcptReply;
      return mail.compose(m -> {
        if (!m.positive()) {
          return Future.succeededFuture(m); // MAIL refused: no transaction there, RCPT's reply is moot
        }
        return pipelined != null ? pipelined : c.command(rcpt, config.replyTimeout());
      });
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
        if (mail != null) {
          c.needsReset = true; // a transaction may be open there; without MAIL sent, none is
        }
        giveBack(c);
      }
    }
  }
}
