package io.mailtrace.app.dev;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The next hop of {@code mailtrace dev}: a small SMTP server on 127.0.0.1 that accepts every
 * message and writes its bytes, exactly as relayed (signed), to {@code outbox/<time>-<n>.eml}.
 * The file is written under a temporary name and renamed, so a reader never sees half a message;
 * 250 is answered only once it is on disk. Dev-only: no TLS, no AUTH, no limits beyond a size cap.
 */
public final class CaptureSmtpServer {
  private static final Logger LOG = LoggerFactory.getLogger(CaptureSmtpServer.class);
  private static final long MAX_MESSAGE = 64L * 1024 * 1024;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final Path outbox;
  private final AtomicLong seq = new AtomicLong();
  private NetServer server;

  public CaptureSmtpServer(Vertx vertx, Path outbox) {
    this.vertx = vertx;
    this.outbox = outbox;
  }

  /** Listens on 127.0.0.1:{@code port} (0 = any free port); completes with the bound port. */
  public Future<Integer> start(int port) {
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(port));
    server.connectHandler(this::session);
    return vertx.fileSystem().mkdirs(outbox.toString())
        .compose(v -> server.listen())
        .map(NetServer::actualPort)
        .onSuccess(p -> LOG.info("capture next hop listening on 127.0.0.1:{}, writing to {}", p, outbox));
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void session(NetSocket socket) {
    Session s = new Session(socket);
    RecordParser parser = RecordParser.newDelimited("\r\n", s::line);
    parser.maxRecordSize(1024 * 1024);
    parser.exceptionHandler(e -> socket.close());
    socket.handler(parser);
    socket.exceptionHandler(e -> socket.close());
    socket.write("220 mailtrace-capture ESMTP ready\r\n");
  }

  /** One connection: commands, or DATA lines until the lone dot. Replies are sent in order. */
  private final class Session {
    private final NetSocket socket;
    private boolean inData;
    private boolean tooBig;
    private Buffer message = Buffer.buffer();
    /** Replies after DATA wait for the file; later pipelined replies queue behind them. */
    private Future<Void> last = Future.succeededFuture();

    Session(NetSocket socket) {
      this.socket = socket;
    }

    void line(Buffer raw) {
      if (inData) {
        data(raw);
        return;
      }
      String line = raw.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
      String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
      switch (verb) {
        case "EHLO" -> reply("250-mailtrace-capture\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE " + MAX_MESSAGE + "\r\n250 ENHANCEDSTATUSCODES");
        case "HELO" -> reply("250 mailtrace-capture");
        case "MAIL", "RCPT" -> reply("250 2.1.0 OK");
        case "DATA" -> {
          inData = true;
          tooBig = false;
          message = Buffer.buffer();
          reply("354 End data with <CR><LF>.<CR><LF>");
        }
        case "RSET", "NOOP" -> reply("250 2.0.0 OK");
        case "QUIT" -> last = last.compose(v -> socket.write("221 2.0.0 Bye\r\n")).onComplete(v -> socket.close());
        default -> reply("502 5.5.2 Command not implemented");
      }
    }

    private void data(Buffer raw) {
      if (raw.length() == 1 && raw.getByte(0) == '.') {
        inData = false;
        if (tooBig) {
          reply("552 5.3.4 Message too big");
          return;
        }
        Buffer eml = message;
        message = Buffer.buffer();
        Path file = outbox.resolve(STAMP.format(Instant.now()) + "-" + seq.incrementAndGet() + ".eml");
        Path tmp = outbox.resolve("." + file.getFileName() + ".tmp");
        Future<Void> written = vertx.fileSystem().writeFile(tmp.toString(), eml)
            .compose(v -> vertx.fileSystem().move(tmp.toString(), file.toString()));
        last = last.compose(v -> written.transform(ar -> {
          if (ar.succeeded()) {
            LOG.info("captured {} ({} bytes)", file.getFileName(), eml.length());
            return socket.write("250 2.0.0 Captured as " + file.getFileName() + "\r\n");
          }
          LOG.warn("cannot write {}: {}", file, ar.cause().getMessage());
          return socket.write("451 4.3.0 Cannot write the message\r\n");
        }));
        return;
      }
      if (tooBig) {
        return;
      }
      // dot-unstuffing: a leading dot was doubled by the client
      Buffer line = raw.length() > 0 && raw.getByte(0) == '.' ? raw.slice(1, raw.length()) : raw;
      if (message.length() + line.length() + 2 > MAX_MESSAGE) {
        tooBig = true;
        message = Buffer.buffer();
        return;
      }
      message.appendBuffer(line).appendString("\r\n");
    }

    private void reply(String text) {
      last = last.compose(v -> socket.write(text + "\r\n"));
    }
  }
}
