package io.mailtrace.signer.relay;

import io.mailtrace.signer.smtp.SmtpReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP client connection to the next hop: the client-side mirror of the session. Replies are
 * matched to commands in order through a queue, which is what makes pipelining work. Confined to
 * the event loop that created it.
 */
final class RelayConnection {
  private static final Pattern REPLY_LINE = Pattern.compile("^(\\d{3})([ -])(.*)$");
  private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?: (.*))?$");
  private static final int MAX_REPLY_LINES = 200;

  private final Vertx vertx;
  private NetSocket socket;
  private final ArrayDeque<Promise<SmtpReply>> pending = new ArrayDeque<>();
  private final List<String> current = new ArrayList<>();
  private final Set<String> extensions = new HashSet<>();
  private boolean broken;
  boolean needsReset;

  RelayConnection(Vertx vertx, NetSocket socket) {
    this.vertx = vertx;
    attach(socket);
  }

  private void attach(NetSocket s) {
    this.socket = s;
    RecordParser parser = RecordParser.newDelimited("\n", this::line);
    parser.maxRecordSize(8192);
    s.handler(parser);
    s.exceptionHandler(err -> fail(new NextHopUnavailableException("next hop connection error: " + err.getMessage(), err)));
    s.closeHandler(v -> fail(new NextHopUnavailableException("next hop closed the connection")));
  }

  boolean usable() {
    return !broken;
  }

  boolean offers(String ext) {
    return extensions.contains(ext);
  }

  NetSocket socket() {
    return socket;
  }

  /** Waits for the next reply without sending (the greeting). */
  Future<SmtpReply> expect(Duration timeout) {
    Promise<SmtpReply> p = Promise.promise();
    if (broken) {
      return Future.failedFuture(new NextHopUnavailableException("next hop connection broken"));
    }
    pending.add(p);
    long timer = vertx.setTimer(timeout.toMillis(), t -> {
      if (!p.future().isComplete()) {
        fail(new NextHopUnavailableException("next hop reply timeout after " + timeout.toSeconds() + " s"));
      }
    });
    return p.future().andThen(x -> vertx.cancelTimer(timer));
  }

  Future<SmtpReply> command(String line, Duration timeout) {
    return commands(List.of(line), timeout).get(0);
  }

  /**
   * Sends a pipelined group in one write (RFC 2920; only when the next hop offers PIPELINING, or
   * a single command) and returns the replies in order.
   */
  List<Future<SmtpReply>> commands(List<String> lines, Duration timeout) {
    if (broken) {
      Future<SmtpReply> f = Future.failedFuture(new NextHopUnavailableException("next hop connection broken"));
      return Collections.nCopies(lines.size(), f);
    }
    StringBuilder group = new StringBuilder();
    for (String line : lines) {
      group.append(line).append("\r\n");
    }
    socket.write(Buffer.buffer(group.toString(), "US-ASCII"));
    List<Future<SmtpReply>> replies = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      replies.add(expect(timeout));
    }
    return replies;
  }

  /** Sends the message dot-stuffed, then the terminating dot line, and waits for the final reply. */
  Future<SmtpReply> message(byte[] message, Duration timeout) {
    if (broken) {
      return Future.failedFuture(new NextHopUnavailableException("next hop connection broken"));
    }
    socket.write(Buffer.buffer(dotStuff(message)));
    return expect(timeout);
  }

  /**
   * The message as DATA content: a dot doubled at each line start, a final CRLF when missing, then
   * the {@code .} line. Copies runs between stuffed dots in bulk (this runs on the event loop for
   * every message).
   */
  static byte[] dotStuff(byte[] m) {
    int dots = 0;
    for (int i = 0; i < m.length; i++) {
      if (m[i] == '.' && (i == 0 || m[i - 1] == '\n')) {
        dots++;
      }
    }
    boolean addCrlf = m.length > 0 && !(m.length >= 2 && m[m.length - 2] == '\r' && m[m.length - 1] == '\n');
    byte[] out = new byte[m.length + dots + (addCrlf ? 2 : 0) + 3];
    int o = 0;
    int from = 0;
    for (int i = 0; dots > 0 && i < m.length; i++) {
      if (m[i] == '.' && (i == 0 || m[i - 1] == '\n')) {
        System.arraycopy(m, from, out, o, i - from);
        o += i - from;
        out[o++] = '.';
        from = i; // the original dot follows with the next run
        dots--;
      }
    }
    System.arraycopy(m, from, out, o, m.length - from);
    o += m.length - from;
    if (addCrlf) {
      out[o++] = '\r';
      out[o++] = '\n';
    }
    out[o++] = '.';
    out[o++] = '\r';
    out[o] = '\n';
    return out;
  }

  Future<Void> upgradeToTls() {
    return socket.upgradeToSsl();
  }

  void rememberExtensions(SmtpReply ehlo) {
    extensions.clear();
    for (int i = 1; i < ehlo.lines().size(); i++) {
      String l = ehlo.lines().get(i).toUpperCase(Locale.ROOT);
      extensions.add(l.split(" ")[0]);
      if (l.startsWith("AUTH ")) {
        for (String m : l.substring(5).split(" ")) {
          extensions.add("AUTH=" + m);
        }
      }
    }
  }

  void close() {
    broken = true;
    socket.close();
  }

  void quit() {
    if (!broken) {
      socket.write(Buffer.buffer("QUIT\r\n"));
      broken = true;
      vertx.setTimer(2000, t -> socket.close());
    }
  }

  private void fail(Throwable err) {
    broken = true;
    Promise<SmtpReply> p;
    while ((p = pending.poll()) != null) {
      p.tryFail(err);
    }
    socket.close();
  }

  private void line(Buffer b) {
    String s = b.toString(StandardCharsets.ISO_8859_1);
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    Matcher m = REPLY_LINE.matcher(s);
    if (!m.matches() && !s.matches("^\\d{3}$")) {
      fail(new NextHopUnavailableException("next hop sent a malformed reply line"));
      return;
    }
    int code = Integer.parseInt(s.substring(0, 3));
    boolean last = s.length() == 3 || s.charAt(3) == ' ';
    current.add(s.length() > 4 ? s.substring(4) : "");
    if (current.size() > MAX_REPLY_LINES) {
      fail(new NextHopUnavailableException("next hop reply too long"));
      return;
    }
    if (!last) {
      return;
    }
    String enhanced = null;
    var texts = new ArrayList<String>();
    for (String t : current) {
      Matcher e = ENHANCED.matcher(t);
      if (code != 250 || current.size() == 1) {
        if (e.matches()) {
          enhanced = e.group(1);
          texts.add(e.group(2) == null ? "" : e.group(2));
          continue;
        }
      }
      texts.add(t);
    }
    current.clear();
    Promise<SmtpReply> p = pending.poll();
    if (p == null) {
      fail(new NextHopUnavailableException("next hop sent an unexpected reply"));
      return;
    }
    if (code < 200 || code > 599) {
      p.tryFail(new NextHopUnavailableException("next hop reply code " + code));
      return;
    }
    p.tryComplete(SmtpReply.fromNextHop(code, enhanced, texts));
  }
}
