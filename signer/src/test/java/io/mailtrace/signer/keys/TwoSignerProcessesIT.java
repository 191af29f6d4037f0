package io.mailtrace.signer.keys;

import static io.mailtrace.signer.keys.KeyFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.testkit.BindServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two signer nodes as two separate JVM processes ({@link KeyNodeMain}), sharing one
 * Elasticsearch with this JVM, where the key is activated and disabled: both sign with the
 * custom key within 10 s of activation and stop within 10 s of disabling.
 */
class TwoSignerProcessesIT {
  static KeyFixture fx;
  static Node n1;
  static Node n2;

  /** One node process and its stdin/stdout. */
  record Node(Process process, OutputStream in, BufferedReader out) {
    static Node start(KeyFixture fx) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          KeyNodeMain.class.getName(), fx.esUrl, fx.index, fx.config.masterKeyFile().toString(), "3000")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      return new Node(p, p.getOutputStream(), r);
    }

    void awaitReady() throws Exception {
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        // skip anything else the node prints
      }
      assertThat(line).isEqualTo("READY");
    }

    String sign(String domain) throws Exception {
      in.write(("sign " + domain + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("SIGNED ")) {
        // skip log lines
      }
      assertThat(line).as("node answered").isNotNull();
      return line.substring(7);
    }

    void stop() throws Exception {
      in.close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @BeforeAll
  static void start() throws Exception {
    fx = new KeyFixture(Clock.systemUTC(), "a.example");
    n1 = Node.start(fx);
    n2 = Node.start(fx);
    n1.awaitReady();
    n2.awaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    for (Node n : new Node[] {n1, n2}) {
      if (n != null) {
        n.stop();
      }
    }
    if (fx != null) {
      fx.close();
    }
  }

  static void within(Instant since, Duration limit, Node node, String expected) throws Exception {
    Instant deadline = since.plus(limit);
    String last = node.sign("a.example");
    while (!last.equals(expected)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("node signs '" + last + "', not '" + expected + "', " + limit + " after the change");
      }
      TimeUnit.MILLISECONDS.sleep(200); // polling with a deadline
      last = node.sign("a.example");
    }
  }

  @Test
  void bothProcessesStartAndStopSigningWithin10Seconds() throws Exception {
    assertThat(n1.sign("a.example")).isEqualTo("platform.example/shared");
    DkimKeyView v = await(fx.service.activate("a.example"));
    fx.bind.setTxt(v.dnsRecord().name(), BindServer.split255(v.dnsRecord().value()));
    assertThat(await(fx.service.checkNow("a.example")).result().wireName()).isEqualTo("ok");
    Instant activated = Instant.now();
    for (Node n : List.of(n1, n2)) {
      within(activated, Duration.ofSeconds(10), n, "a.example/custom,platform.example/shared");
    }
    await(fx.service.disable("a.example"));
    Instant disabled = Instant.now();
    for (Node n : List.of(n1, n2)) {
      within(disabled, Duration.ofSeconds(10), n, "platform.example/shared");
    }
  }
}
