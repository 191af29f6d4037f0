package io.mailtrace.signer.smtp;

import io.mailtrace.model.TlsInfo;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Server-side STARTTLS on a Vert.x socket with our own {@link SSLContext}.
 *
 * <p>Why not {@code NetSocket.upgradeToSsl()}: in Vert.x 5.0.7 only the first of several server
 * instances sharing a port gets an SSL context manager, so the upgrade fails with a
 * NullPointerException on connections accepted by the other instances. Adding Netty's
 * {@link SslHandler} at the head of the pipeline is what upgradeToSsl does internally.
 */
public final class StartTls {
  private final SSLContext context;

  private StartTls(SSLContext context) {
    this.context = context;
  }

  /** Loads the PEM certificate chain and private key (PKCS#8 or PKCS#1). Blocking: call at start-up on a worker. */
  public static StartTls load(Path certPem, Path keyPem) {
    try {
      var converter = new JcaX509CertificateConverter();
      List<X509Certificate> chain = new ArrayList<>();
      try (Reader r = Files.newBufferedReader(certPem); PEMParser p = new PEMParser(r)) {
        Object o;
        while ((o = p.readObject()) != null) {
          if (o instanceof X509CertificateHolder h) {
            chain.add(converter.getCertificate(h));
          }
        }
      }
      PrivateKey key;
      try (Reader r = Files.newBufferedReader(keyPem); PEMParser p = new PEMParser(r)) {
        Object o = p.readObject();
        var kc = new JcaPEMKeyConverter();
        if (o instanceof PEMKeyPair kp) {
          key = kc.getKeyPair(kp).getPrivate();
        } else if (o instanceof PrivateKeyInfo pki) {
          key = kc.getPrivateKey(pki);
        } else {
          throw new IllegalArgumentException("no PEM private key in " + keyPem);
        }
      }
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("no PEM certificate in " + certPem);
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "x".toCharArray();
      ks.setKeyEntry("smtp", key, pw, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return new StartTls(ctx);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load TLS certificate/key: " + e.getMessage(), e);
    }
  }

  /** Starts the server side of the TLS handshake; call on the socket's event loop right after writing 220. */
  public Future<TlsInfo> upgrade(NetSocket socket) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeoutMillis(30_000);
    var ctx = ((NetSocketInternal) socket).channelHandlerContext();
    Promise<TlsInfo> promise = Promise.promise();
    ctx.pipeline().addFirst("ssl", handler);
    handler.handshakeFuture().addListener(f -> {
      if (f.isSuccess()) {
        var s = engine.getSession();
        promise.tryComplete(new TlsInfo(true, s.getProtocol(), s.getCipherSuite()));
      } else {
        promise.tryFail(f.cause());
      }
    });
    return promise.future();
  }
}
