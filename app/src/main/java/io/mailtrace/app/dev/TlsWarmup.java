package io.mailtrace.app.dev;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One STARTTLS handshake against our own SMTP port before the banner is printed. Vert.x builds a
 * server's TLS context on the first STARTTLS (PEM to key store, thousands of PBKDF2 rounds), which
 * on a busy laptop can exceed the first client's handshake timeout; doing it here means the
 * user's first swaks works. Blocking, main thread only; trusts the self-signed dev certificate.
 */
final class TlsWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(TlsWarmup.class);

  private TlsWarmup() {}

  static void run(String host, int port) {
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), 10_000);
      plain.setSoTimeout(120_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = plain.getOutputStream();
      expect(in, "220");
      out.write("EHLO warmup.localhost\r\n".getBytes(StandardCharsets.US_ASCII));
      expect(in, "250");
      out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      expect(in, "220");
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true)) {
        tls.startHandshake();
        tls.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        tls.getOutputStream().flush();
      }
    } catch (IOException | java.security.GeneralSecurityException e) {
      LOG.warn("STARTTLS warm-up against {}:{} failed: {}", host, port, e.getMessage());
    }
  }

  /** Reads a (possibly multi-line) reply and checks its code. */
  private static void expect(BufferedReader in, String code) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null || !line.startsWith(code)) {
        throw new IOException("unexpected reply " + line + " (expected " + code + ")");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
  }

  /** Only for our own freshly generated certificate on 127.0.0.1. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
