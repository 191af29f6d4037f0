package io.mailtrace.app.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The signer's next hop: a minimal SMTP sink on 127.0.0.1 (one thread per connection) that accepts
 * every message, or, in {@link Mode#DROP_MID_DATA}, closes the connection in the middle of the
 * message bytes (recipe 11). Ours rather than Postfix smtp-sink so the test flips the mode at once.
 */
public final class NextHopSink implements AutoCloseable {
  /** How the sink treats the DATA phase. */
  public enum Mode { ACCEPT, DROP_MID_DATA }

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Mode mode = Mode.ACCEPT;
  private volatile boolean closed;

  public NextHopSink() throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "next-hop-sink");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public void mode(Mode m) {
    mode = m;
  }

  public long accepted() {
    return accepted.get();
  }

  public long dropped() {
    return dropped.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "next-hop-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
      s.setSoTimeout(120_000);
      send(out, "220 sink.test ESMTP fault sink");
      String line;
      while ((line = readLine(in)) != null) {
        String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line.toUpperCase(java.util.Locale.ROOT);
        switch (cmd) {
          case "EHLO" -> send(out, "250-sink.test\r\n250-8BITMIME\r\n250 SIZE 52428800");
          case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> send(out, "250 2.0.0 ok");
          case "QUIT" -> {
            send(out, "221 2.0.0 bye");
            return;
          }
          case "DATA" -> {
            send(out, "354 go ahead");
            if (mode == Mode.DROP_MID_DATA) {
              // read a little of the message, then vanish without a reply
              readLine(in);
              dropped.incrementAndGet();
              s.setSoLinger(true, 0);
              return;
            }
            String l;
            while ((l = readLine(in)) != null && !l.equals(".")) {
              // discard the message body
            }
            if (l == null) {
              return;
            }
            accepted.incrementAndGet();
            send(out, "250 2.0.0 queued");
          }
          default -> send(out, "502 5.5.2 unknown command");
        }
      }
    } catch (IOException e) {
      // the peer went away: nothing to do for a sink
    } finally {
      open.remove(s);
    }
  }

  private static void send(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** One line without CRLF, or null at end of stream. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
