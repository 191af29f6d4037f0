package io.mailtrace.signer.keys;

import io.mailtrace.model.DkimKind;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.signer.dkim.DkimMessageSigner;
import io.mailtrace.signer.dkim.SharedKeySource;
import io.mailtrace.signer.dkim.SignedMessage;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.dkim.SigningKeySource.Selection;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A signer node in its own JVM for {@link TwoSignerProcessesIT}: its own Vert.x, key cache and
 * DKIM signer against the shared Elasticsearch. Reads {@code sign <domain>} lines on stdin, signs
 * a message from that domain with whatever keys its cache selects and prints
 * {@code SIGNED <d>/<kind>,...}. Args: esUrl index masterKeyFile refreshMillis.
 */
public final class KeyNodeMain {
  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    KeyEncryption enc = KeyEncryption.fromFile(Path.of(args[2]));
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    SigningKey shared = new SigningKey("platform.example", "shared1", DkimKind.SHARED, g.generateKeyPair().getPrivate());
    CustomKeySource keys = new CustomKeySource(vertx, new EsKeyStore(vertx, args[0], args[1]), enc,
        new SharedKeySource(shared), vertx.createSharedWorkerExecutor("node-keys", 1),
        Duration.ofMillis(Long.parseLong(args[3])));
    Promise<Void> started = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> keys.start().onComplete(started));
    started.future().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    DkimMessageSigner signer = new DkimMessageSigner(vertx);
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && line.startsWith("sign ")) {
      String domain = line.substring(5).trim();
      byte[] msg = ("From: someone@" + domain + "\r\nTo: x@dest.test\r\nSubject: node\r\n\r\nhello\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      Selection sel = keys.keysFor(domain, domain).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      SignedMessage signed = signer.sign(msg, sel.keys()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      System.out.println("SIGNED " + signed.applied().stream()
          .map((DkimSignatureInfo s) -> s.domain() + "/" + s.kind().wireName()).collect(Collectors.joining(",")));
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.exit(0);
  }
}
