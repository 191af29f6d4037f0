package io.mailtrace.signer.keys;

import static io.mailtrace.signer.keys.KeyFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.mailtrace.model.CustomSkipReason;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.keys.CheckOutcome;
import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.model.keys.KeyManagementException;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.dkim.SigningKeySource.Selection;
import io.mailtrace.testkit.BindServer;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The private key never appears in clear in a log line, an API answer (the views and outcomes
 * the API serialises), an error, or a stored Elasticsearch document — searched for as base64
 * PKCS#8 fragments and as the private exponent and primes (hex and decimal). Also: the master
 * key file is created with mode 0600.
 */
class KeyMaterialLeakIT {
  static KeyFixture fx;
  static final List<String> logs = new ArrayList<>();
  static AppenderBase<ILoggingEvent> appender;

  @BeforeAll
  static void start() throws Exception {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        synchronized (logs) {
          logs.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }
      }
    };
    appender.setContext(lc);
    appender.start();
    Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    root.addAppender(appender);
    fx = new KeyFixture(Clock.systemUTC(), "a.example");
  }

  @AfterAll
  static void stop() throws Exception {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void masterKeyFileIsOwnerOnly() throws Exception {
    assertThat(Files.getPosixFilePermissions(fx.config.masterKeyFile()))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
  }

  @Test
  void privateKeyMaterialAppearsNowhere() throws Exception {
    String d = "a.example";
    List<String> answers = new ArrayList<>();
    List<String> documents = new ArrayList<>();
    DkimKeyView v = await(fx.service.activate(d));
    answers.add(v.toJson().encode());
    answers.add(await(fx.service.checkNow(d)).toJson().encode());
    try {
      await(fx.service.activate(d));
    } catch (ExecutionException e) {
      KeyManagementException k = (KeyManagementException) e.getCause();
      answers.add(k.getMessage() + k.current().orElseThrow().toJson().encode() + k);
    }
    documents.add(fx.rawDocuments());

    // The secret, recovered the only way there is: decrypting the stored document.
    DkimKeyRecord rec = await(fx.store.forDomain(d)).get(0);
    byte[] pkcs8 = fx.encryption.decrypt(rec.domain(), rec.selector(), rec.privateKey());
    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    io.mailtrace.testkit.KeyMaterialRegistry.remember(priv);
    List<String> needles = new ArrayList<>();
    String b64 = Base64.getEncoder().encodeToString(pkcs8);
    for (int i = 64; i + 32 <= b64.length(); i += 200) {
      needles.add(b64.substring(i, i + 32)); // past the common ASN.1 header
    }
    for (java.math.BigInteger secret : List.of(priv.getPrivateExponent(), priv.getPrimeP(), priv.getPrimeQ())) {
      needles.add(secret.toString(16).substring(0, 32));
      needles.add(secret.toString().substring(0, 32));
      needles.add(Base64.getEncoder().encodeToString(secret.toByteArray()).substring(4, 36));
    }
    // Wrong associated data (another domain/selector) does not decrypt.
    assertThatThrownBy(() -> fx.encryption.decrypt("b.example", rec.selector(), rec.privateKey()))
        .isInstanceOf(javax.crypto.AEADBadTagException.class);

    // Publish, go active, load into a signer cache (decrypts), re-verify, disable.
    fx.bind.setTxt(v.dnsRecord().name(), BindServer.split255(v.dnsRecord().value()));
    CheckOutcome ok = await(fx.service.checkNow(d));
    answers.add(ok.toJson().encode());
    answers.add(await(fx.service.view(d)).toJson().encode());
    SigningKey shared = new SigningKey("platform.example", "s", DkimKind.SHARED, priv);
    CustomKeySource source = new CustomKeySource(fx.vertx, fx.store, fx.encryption,
        (acc, from) -> Future.succeededFuture(new Selection(List.of(shared), Optional.empty())), fx.workers, Duration.ofSeconds(3));
    await(source.reload());
    Selection sel = await(source.keysFor(d, d));
    assertThat(sel.keys()).hasSize(2);
    assertThat(sel.customSkipped()).isEqualTo(Optional.<CustomSkipReason>empty());
    answers.add(sel.toString() + sel.keys().get(0));
    await(fx.lifecycle.runOnce());
    documents.add(fx.rawDocuments());
    await(fx.service.disable(d));
    documents.add(fx.rawDocuments());
    answers.add(await(fx.service.view(d)).toJson().encode());

    // The searches are meaningful: the haystacks hold the stored (sealed) key and the public key.
    assertThat(documents.get(0)).contains("\"ciphertext\"").contains(rec.publicKey());
    assertThat(String.join("\n", answers)).contains(rec.publicKey().substring(0, 60));
    List<String> logCopy;
    synchronized (logs) {
      logCopy = List.copyOf(logs);
    }
    assertThat(logCopy).anyMatch(l -> l.contains("dkim key activated"));
    for (String needle : needles) {
      assertThat(logCopy).noneMatch(l -> l.contains(needle));
      assertThat(answers).noneMatch(a -> a.contains(needle));
      assertThat(documents).noneMatch(doc -> doc.contains(needle));
    }
    // After disabling, the stored document does not even hold the sealed key any more.
    assertThat(documents.get(2)).doesNotContain(rec.privateKey().ciphertext().substring(0, 40));
  }
}
