package io.mailtrace.signer.smtp;

import io.mailtrace.model.TlsInfo;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.pipeline.DeliveryPipeline;
import io.mailtrace.signer.relay.NextHop;
import io.mailtrace.signer.relay.SmtpRelayClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listener: a thin adapter between Vert.x sockets and {@link SmtpSession}. Deploy N
 * instances (they share the port); each has its own next-hop client and connection pool.
 */
public final class SmtpServerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SmtpServerVerticle.class);

  private final SignerConfig config;
  private final Authenticator auth;
  private final DeliveryPipelineFactory pipelines;
  private final ConnectionLimiter limiter;
  private final Function<io.vertx.core.Vertx, NextHop> nextHopFactory;
  private final Set<SmtpSession> sessions = new HashSet<>();
  /** Longest wait for in-flight transactions when stopping (below the app's 60 s stop budget). */
  static final long DRAIN_TIMEOUT_SECONDS = 30;
  private NetServer server;
  private NextHop nextHop;
  private StartTls tls;

  /** Builds the pipeline of one verticle instance, given its next hop. */
  @FunctionalInterface
  public interface DeliveryPipelineFactory {
    DeliveryPipeline create(NextHop nextHop);
  }

  public SmtpServerVerticle(
      SignerConfig config, Authenticator auth, DeliveryPipelineFactory pipelines, ConnectionLimiter limiter) {
    this(config, auth, pipelines, limiter, v -> new SmtpRelayClient(v, config.nextHop(), config.hostname()));
  }

  public SmtpServerVerticle(
      SignerConfig config,
      Authenticator auth,
      DeliveryPipelineFactory pipelines,
      ConnectionLimiter limiter,
      Function<io.vertx.core.Vertx, NextHop> nextHopFactory) {
    this.config = config;
    this.auth = auth;
    this.pipelines = pipelines;
    this.limiter = limiter;
    this.nextHopFactory = nextHopFactory;
  }

  @Override
  public Future<?> start() {
    NetServerOptions opts = new NetServerOptions()
        .setHost(config.listenHost())
        .setPort(config.listenPort())
        .setTcpNoDelay(true);
    nextHop = nextHopFactory.apply(vertx);
    DeliveryPipeline pipeline = pipelines.create(nextHop);
    return loadTls()
        .compose(t -> {
          tls = t;
          server = vertx.createNetServer(opts).connectHandler(socket -> accept(socket, pipeline));
          return server.listen();
        })
        .onSuccess(s -> log.info("SMTP listening on {}:{}", config.listenHost(), s.actualPort()));
  }

  /** PEM parsing is file I/O: done on a worker at start-up, never per connection. */
  private Future<StartTls> loadTls() {
    if (!config.tlsEnabled()) {
      return Future.succeededFuture(null);
    }
    return vertx.executeBlocking(() -> StartTls.load(config.tlsCertPath(), config.tlsKeyPath()));
  }

  /** The bound port (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * Graceful stop: the listener stops accepting at once, each session finishes the transaction in
   * progress and says 421 (see {@link SmtpSession#shutdown()}), connections still open after
   * {@link #DRAIN_TIMEOUT_SECONDS} are closed; the next-hop pool closes last. The node closes the
   * journal only after this completes, so a finishing transaction can still make its record durable.
   */
  @Override
  public Future<?> stop() {
    // shutdown() (not close()) keeps accepted connections until their shutdownHandler closes them
    return server.shutdown(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .transform(x -> Future.join(sessions.stream().map(SmtpSession::shutdown).toList()))
        .transform(x -> nextHop.close());
  }

  private void accept(NetSocket socket, DeliveryPipeline pipeline) {
    String ip = socket.remoteAddress().hostAddress();
    if (!limiter.tryAcquire(ip)) {
      socket.write(Buffer.buffer(SmtpReply.TOO_MANY_CONNECTIONS.wireBytes())).onComplete(x -> socket.close());
      return;
    }
    var adapter = new SocketAdapter(socket);
    SmtpSession session = new SmtpSession(config, ip, auth, nextHop, pipeline, adapter);
    adapter.session = session;
    sessions.add(session);
    socket.handler(buf -> {
      session.receive(buf.getBytes());
      adapter.touch(); // after receive: the session may have just entered DATA mode
    });
    socket.closeHandler(v -> {
      limiter.release(ip);
      sessions.remove(session);
      adapter.cancelTimer();
      session.connectionClosed();
    });
    socket.shutdownHandler(v -> session.shutdown());
    socket.exceptionHandler(err -> log.debug("SMTP socket error from {}: {}", ip, err.toString()));
    session.start();
    adapter.touch();
  }

  /** Socket side of one session: writes, TLS upgrade, flow control and the idle timer. */
  private final class SocketAdapter implements SmtpConnection {
    private final NetSocket socket;
    private SmtpSession session;
    private long timer = -1;
    private long deadline;
    private long firesAt;
    private boolean paused;

    SocketAdapter(NetSocket socket) {
      this.socket = socket;
    }

    /**
     * Restarts the idle timeout (command or data, depending on the session's mode). Called for every
     * read, so it only moves a deadline; the one armed timer re-arms itself for the remaining time
     * when it fires early (a timer set and cancelled per read costs more than the read's work).
     */
    void touch() {
      if (paused) {
        return; // the server is working; the client is not idle (resume() touches again)
      }
      long ms = (session != null && session.inData() ? config.limits().dataTimeout() : config.limits().commandTimeout()).toMillis();
      deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
      if (timer >= 0 && firesAt - deadline > 0) {
        cancelTimer(); // a shorter timeout than the armed one (data mode ended): re-arm
      }
      if (timer < 0) {
        arm(ms);
      }
    }

    private void arm(long ms) {
      firesAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, ms));
      timer = vertx.setTimer(Math.max(1, ms), t -> {
        timer = -1;
        if (paused || session == null || session.closed()) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
          arm(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } else {
          session.timeout();
        }
      });
    }

    void cancelTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    @Override
    public void send(SmtpReply reply) {
      socket.write(Buffer.buffer(reply.wireBytes()));
    }

    @Override
    public Future<TlsInfo> startTls() {
      return tls.upgrade(socket);
    }

    @Override
    public void pause() {
      paused = true; // the armed timer stays and does nothing while paused
      socket.pause();
    }

    @Override
    public void resume() {
      paused = false;
      socket.resume();
      touch();
    }

    @Override
    public void close() {
      cancelTimer();
      socket.end().onComplete(x -> socket.close());
    }
  }
}
