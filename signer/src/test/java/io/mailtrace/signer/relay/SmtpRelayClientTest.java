package io.mailtrace.signer.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.smtp.SmtpReply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay client against a scripted next hop on 127.0.0.1: MAIL goes out with the first RCPT
 * (in one group when PIPELINING is offered, one command at a time otherwise), a refusal of MAIL
 * answers every RCPT, and a pooled connection the next hop dropped is replaced once.
 */
class SmtpRelayClientTest {
  private static final byte[] MESSAGE = "From: a@example.com\r\nSubject: t\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  private Vertx vertx;
  private Context loop;
  private NetServer server;
  private SmtpRelayClient client;
  private final Script script = new Script();

  /** What the scripted next hop does, and what it saw. Touched only on its event loop. */
  private static final class Script {
    boolean pipelining = true;
    /** MAIL is answered with this instead of 250 when set. */
    String refuseMail;
    /** Answer MAIL only once the RCPT after it arrived: a client that waits for it never gets it. */
    boolean holdMailReplyForRcpt;
    /** Close (without a reply) when MAIL arrives on a connection that already had a transaction. */
    boolean dropSecondTransaction;
    final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    /** The most commands (message content aside) one read from a socket carried. */
    volatile int mostCommandsPerRead;
    volatile int connections;
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createNetServer().connectHandler(this::serve);
    int port = await(() -> server.listen(0, "127.0.0.1")).actualPort();
    loop = vertx.getOrCreateContext();
    var cfg = new SignerConfig.NextHop("127.0.0.1", port, false, false, null, null, 4, Duration.ofSeconds(5), Duration.ofSeconds(5));
    client = new SmtpRelayClient(vertx, cfg, "signer.test");
  }

  @AfterEach
  void stop() throws Exception {
    await(() -> client.close());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void serve(NetSocket s) {
    script.connections++;
    s.write("220 next.test ESMTP\r\n");
    int[] transactions = {0};
    boolean[] mailHeld = {false};
    boolean[] inData = {false};
    StringBuilder partial = new StringBuilder();
    s.handler(buf -> {
      partial.append(buf.toString(StandardCharsets.US_ASCII));
      int commands = 0;
      int eol;
      while ((eol = partial.indexOf("\r\n")) >= 0) {
        String line = partial.substring(0, eol);
        partial.delete(0, eol + 2);
        if (inData[0]) {
          if (line.equals(".")) {
            inData[0] = false;
            script.commands.add(line);
            s.write("250 2.0.0 Ok: queued as Q1\r\n");
          }
          continue;
        }
        commands++;
        script.commands.add(line);
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
        switch (verb) {
          case "EHLO" -> s.write("250-next.test\r\n" + (script.pipelining ? "250-PIPELINING\r\n" : "") + "250 8BITMIME\r\n");
          case "MAIL" -> {
            if (script.dropSecondTransaction && transactions[0] > 0) {
              s.close();
              return;
            }
            transactions[0]++;
            if (script.refuseMail != null) {
              s.write(script.refuseMail + "\r\n");
            } else if (script.holdMailReplyForRcpt) {
              mailHeld[0] = true;
            } else {
              s.write("250 2.1.0 Ok\r\n");
            }
          }
          case "RCPT" -> {
            String mail = mailHeld[0] ? "250 2.1.0 Ok\r\n" : "";
            mailHeld[0] = false;
            s.write(mail + (script.refuseMail != null ? "503 5.5.1 Error: need MAIL command\r\n" : "250 2.1.5 Ok\r\n"));
          }
          case "DATA" -> {
            inData[0] = true;
            s.write("354 End data with <CR><LF>.<CR><LF>\r\n");
          }
          case "RSET" -> s.write("250 2.0.0 Ok\r\n");
          case "QUIT" -> s.write("221 2.0.0 Bye\r\n");
          default -> s.write("502 5.5.2 Error: command not recognized\r\n");
        }
      }
      script.mostCommandsPerRead = Math.max(script.mostCommandsPerRead, commands);
    });
  }

  private <T> T await(Supplier<Future<T>> action) throws Exception {
    var result = new java.util.concurrent.CompletableFuture<T>();
    Context on = loop != null ? loop : vertx.getOrCreateContext();
    on.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(20, TimeUnit.SECONDS);
  }

  /** One transaction: begin, the recipients in order, then DATA when any was accepted. */
  private List<SmtpReply> transaction(String... rcpts) throws Exception {
    return await(() -> client.begin("news@example.com", false).compose(tx -> {
      List<SmtpReply> replies = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (String r : rcpts) {
        chain = chain.compose(v -> tx.rcpt(r).map(reply -> {
          replies.add(reply);
          return null;
        }));
      }
      return chain.compose(v -> {
        if (replies.stream().anyMatch(SmtpReply::positive)) {
          return tx.data(MESSAGE).map(reply -> {
            replies.add(reply);
            return replies;
          });
        }
        tx.release();
        return Future.succeededFuture(replies);
      });
    }));
  }

  private static List<Integer> codes(List<SmtpReply> replies) {
    return replies.stream().map(SmtpReply::code).toList();
  }

  @Test
  void mailGoesOutWithTheFirstRcptWithoutWaitingForItsReply() throws Exception {
    script.holdMailReplyForRcpt = true; // a client that waits for MAIL's reply times out here

    assertThat(codes(transaction("a@dest.test", "b@dest.test"))).containsExactly(250, 250, 250);
    assertThat(script.mostCommandsPerRead).isEqualTo(2); // MAIL and the first RCPT: one write
    assertThat(script.commands).containsSubsequence(
        "EHLO signer.test", "MAIL FROM:<news@example.com>", "RCPT TO:<a@dest.test>", "RCPT TO:<b@dest.test>", "DATA", ".");
  }

  @Test
  void withoutPipeliningEveryCommandWaitsForThePreviousReply() throws Exception {
    script.pipelining = false;

    assertThat(codes(transaction("a@dest.test", "b@dest.test"))).containsExactly(250, 250, 250);
    // the failed first transaction leaves RSET to go before the next MAIL, also one at a time
    script.refuseMail = "451 4.3.0 Try later";
    assertThat(codes(transaction("c@dest.test"))).containsExactly(451);
    script.refuseMail = null;
    assertThat(codes(transaction("d@dest.test"))).containsExactly(250, 250);

    // the server answers each command as it reads it: two in one read were sent before a reply
    assertThat(script.mostCommandsPerRead).isEqualTo(1);
    assertThat(script.commands).containsSubsequence("MAIL FROM:<news@example.com>", "RCPT TO:<a@dest.test>",
        "RCPT TO:<b@dest.test>", "DATA", ".", "MAIL FROM:<news@example.com>", "RSET", "MAIL FROM:<news@example.com>",
        "RCPT TO:<d@dest.test>");
  }

  @Test
  void aRefusedMailAnswersEveryRcptAndTheNextTransactionStartsWithRset() throws Exception {
    script.refuseMail = "553 5.7.1 <news@example.com>: Sender address rejected";

    List<SmtpReply> replies = transaction("a@dest.test", "b@dest.test");

    assertThat(replies).hasSize(2).allSatisfy(r -> {
      assertThat(r.code()).isEqualTo(553);
      assertThat(r.enhanced()).isEqualTo("5.7.1");
      assertThat(r.oneLine()).contains("Sender address rejected");
    });
    // the second RCPT was answered from MAIL's refusal, never sent
    assertThat(script.commands).doesNotContain("RCPT TO:<b@dest.test>");

    script.refuseMail = null;
    assertThat(codes(transaction("c@dest.test"))).containsExactly(250, 250);
    assertThat(script.connections).isEqualTo(1);
    assertThat(script.commands.subList(script.commands.indexOf("RCPT TO:<a@dest.test>") + 1, script.commands.size()))
        .startsWith("RSET", "MAIL FROM:<news@example.com>", "RCPT TO:<c@dest.test>");
  }

  @Test
  void aTransactionEndedBeforeAnyRcptSendsNothingAndNeedsNoRset() throws Exception {
    await(() -> client.begin("news@example.com", false).map(tx -> {
      tx.release(); // e.g. the client sent RSET or QUIT after MAIL
      return null;
    }));
    assertThat(codes(transaction("a@dest.test"))).containsExactly(250, 250);

    assertThat(script.connections).isEqualTo(1);
    assertThat(script.commands).containsExactly(
        "EHLO signer.test", "MAIL FROM:<news@example.com>", "RCPT TO:<a@dest.test>", "DATA", ".");
  }

  @Test
  void aPooledConnectionTheNextHopDroppedIsReplacedOnce() throws Exception {
    assertThat(codes(transaction("a@dest.test"))).containsExactly(250, 250);
    script.dropSecondTransaction = true; // the pooled connection dies on its next MAIL

    assertThat(codes(transaction("b@dest.test"))).containsExactly(250, 250);
    assertThat(script.connections).isEqualTo(2);
  }
}
