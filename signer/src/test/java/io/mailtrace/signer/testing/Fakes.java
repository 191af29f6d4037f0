package io.mailtrace.signer.testing;

import io.mailtrace.journal.JournalFullException;
import io.mailtrace.journal.JournalWriteException;
import io.mailtrace.journal.TraceJournal;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.signer.accounts.Account;
import io.mailtrace.signer.dkim.DkimSigningException;
import io.mailtrace.signer.dkim.MessageSigner;
import io.mailtrace.signer.dkim.SignedMessage;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.dkim.SigningKeySource;
import io.mailtrace.signer.message.HeaderSection;
import io.mailtrace.signer.relay.NextHop;
import io.mailtrace.signer.relay.NextHopUnavailableException;
import io.mailtrace.signer.relay.RelayTransaction;
import io.mailtrace.signer.smtp.Authenticator;
import io.mailtrace.signer.smtp.SmtpConnection;
import io.mailtrace.signer.smtp.SmtpReply;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Fakes of our own ports, completing synchronously, for socket-free session tests. */
public final class Fakes {
  private Fakes() {}

  public static final Account SHOP = new Account("shop@example.com", "example.com");

  public static final class Auth implements Authenticator {
    @Override
    public Future<Optional<Account>> authenticate(String user, String password) {
      return Future.succeededFuture(
          SHOP.name().equals(user) && "secret".equals(password) ? Optional.of(SHOP) : Optional.empty());
    }

    @Override
    public boolean trusted(String clientIp) {
      return clientIp.startsWith("10.");
    }

    @Override
    public Future<Optional<Account>> accountForDomain(String domain) {
      return Future.succeededFuture(domain.equals("example.com") ? Optional.of(SHOP) : Optional.empty());
    }
  }

  /** A next hop that refuses recipients starting with "refused" and records delivered messages. */
  public static final class Hop implements NextHop {
    public final List<byte[]> delivered = new ArrayList<>();
    public final List<String> log = new ArrayList<>();
    public boolean unreachable;
    public int released;

    @Override
    public Future<RelayTransaction> begin(String mailFrom, boolean eightBit) {
      if (unreachable) {
        return Future.failedFuture(new NextHopUnavailableException("connection refused"));
      }
      log.add("MAIL " + mailFrom);
      return Future.succeededFuture(new RelayTransaction() {
        boolean done;

        @Override
        public Future<SmtpReply> rcpt(String address) {
          log.add("RCPT " + address);
          return Future.succeededFuture(address.startsWith("refused")
              ? new SmtpReply(550, "5.1.1", "User unknown")
              : new SmtpReply(250, "2.1.5", "Ok"));
        }

        @Override
        public Future<SmtpReply> data(byte[] message) {
          delivered.add(message);
          done = true;
          return Future.succeededFuture(new SmtpReply(250, "2.0.0", "Ok: queued as ABC"));
        }

        @Override
        public void release() {
          if (!done) {
            done = true;
            released++;
          }
        }
      });
    }

    @Override
    public String address() {
      return "127.0.0.1:2526";
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  public static final class Journal implements TraceJournal {
    public final List<TraceRecord> records = new ArrayList<>();
    public RuntimeException failWith;
    /** What {@link #nearlyFull()} answers. */
    public boolean nearlyFull;
    /** While set, appends stay pending until {@link #release()} (a slow fsync). */
    public boolean holding;
    private final List<io.vertx.core.Promise<Void>> held = new ArrayList<>();

    @Override
    public Future<Void> append(TraceRecord record) {
      if (failWith != null) {
        return Future.failedFuture(failWith);
      }
      records.add(record);
      if (holding) {
        io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
        held.add(p);
        return p.future();
      }
      return Future.succeededFuture();
    }

    @Override
    public boolean nearlyFull() {
      return nearlyFull;
    }

    /** Completes the held appends. */
    public void release() {
      holding = false;
      List<io.vertx.core.Promise<Void>> ps = new ArrayList<>(held);
      held.clear();
      ps.forEach(io.vertx.core.Promise::complete);
    }

    public static JournalFullException full() {
      return new JournalFullException("cap reached");
    }

    public static JournalWriteException broken() {
      return new JournalWriteException("disk error", null);
    }
  }

  /** Prepends a recognisable header instead of a real signature. */
  public static final class Signer implements MessageSigner {
    @Override
    public Future<SignedMessage> sign(byte[] message, HeaderSection headers, List<SigningKey> keys) {
      String m = new String(message, StandardCharsets.ISO_8859_1);
      if (m.contains("X-Unsignable: yes")) {
        return Future.failedFuture(new DkimSigningException("header section cannot be parsed", true));
      }
      byte[] sig = "DKIM-Signature: fake\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[sig.length + message.length];
      System.arraycopy(sig, 0, out, 0, sig.length);
      System.arraycopy(message, 0, out, sig.length, message.length);
      return Future.succeededFuture(new SignedMessage(out,
          List.of(new DkimSignatureInfo("mailtrace.test", "s1", DkimKind.SHARED, "rsa-sha256", "relaxed/relaxed", List.of("from"))),
          List.of()));
    }
  }

  public static final class Keys implements SigningKeySource {
    private final PrivateKey key;

    public Keys() {
      try {
        var g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048); // placeholder: the fake signer never uses it
        key = io.mailtrace.testkit.KeyMaterialRegistry.remember(g.generateKeyPair().getPrivate());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Future<Selection> keysFor(String accountDomain, String fromDomain) {
      return Future.succeededFuture(new Selection(List.of(new SigningKey("mailtrace.test", "s1", DkimKind.SHARED, key)), Optional.empty()));
    }
  }

  /** Records replies as wire strings. */
  public static final class Conn implements SmtpConnection {
    public final StringBuilder out = new StringBuilder();
    public boolean closed;
    public final Set<String> flags = new java.util.HashSet<>();

    @Override
    public void send(SmtpReply reply) {
      out.append(reply.wire());
    }

    @Override
    public Future<TlsInfo> startTls() {
      return Future.succeededFuture(new TlsInfo(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256"));
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void close() {
      closed = true;
    }

    /** Returns and clears what was sent. */
    public String take() {
      String s = out.toString();
      out.setLength(0);
      return s;
    }
  }
}
