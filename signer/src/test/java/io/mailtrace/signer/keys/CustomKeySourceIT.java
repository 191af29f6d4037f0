package io.mailtrace.signer.keys;

import static io.mailtrace.signer.keys.KeyFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.CustomSkipReason;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.signer.dkim.SigningKey;
import io.mailtrace.signer.dkim.SigningKeySource;
import io.mailtrace.signer.dkim.SigningKeySource.Selection;
import io.mailtrace.testkit.BindServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signers pick custom keys up from Elasticsearch: two "nodes" (each its own Vert.x instance and
 * cache) against one Elasticsearch index see an activation and a disable within 10 s; the node
 * where the change was made applies it at once; skip reasons.
 */
class CustomKeySourceIT {
  static KeyFixture fx;
  static SigningKey shared;
  static SigningKeySource sharedSource;
  static Vertx nodeB = Vertx.vertx();
  static CustomKeySource a;
  static CustomKeySource b;

  @BeforeAll
  static void start() throws Exception {
    fx = new KeyFixture(Clock.systemUTC(), "a.example");
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    shared = new SigningKey("platform.example", "shared1", DkimKind.SHARED,
        io.mailtrace.testkit.KeyMaterialRegistry.remember(g.generateKeyPair().getPrivate()));
    sharedSource = (account, from) -> Future.succeededFuture(new Selection(List.of(shared), Optional.empty()));
    a = new CustomKeySource(fx.vertx, fx.store, fx.encryption, sharedSource, fx.workers, fx.config.cacheRefresh());
    b = new CustomKeySource(nodeB, new EsKeyStore(nodeB, fx.esUrl, fx.index), fx.encryption, sharedSource,
        nodeB.createSharedWorkerExecutor("node-b-keys", 2), fx.config.cacheRefresh());
    fx.service.addListener(a);
    onContext(fx.vertx, a::start);
    onContext(nodeB, b::start);
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) {
      a.stop();
      b.stop();
    }
    nodeB.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (fx != null) {
      fx.close();
    }
  }

  /** Starts a source on an event-loop context of that Vert.x, as a verticle would. */
  static void onContext(Vertx v, Callable<Future<Void>> start) throws Exception {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    v.getOrCreateContext().runOnContext(x -> {
      try {
        start.call().onComplete(p);
      } catch (Exception e) {
        p.fail(e);
      }
    });
    await(p.future());
  }

  static Selection keys(CustomKeySource s, String account, String from) throws Exception {
    return await(s.keysFor(account, from));
  }

  static boolean signsCustom(CustomKeySource s, String domain) throws Exception {
    Selection sel = keys(s, domain, domain);
    return sel.keys().size() == 2 && sel.keys().get(0).kind() == DkimKind.CUSTOM;
  }

  /** Polls until the condition holds; fails after the deadline. */
  static void within(Duration deadline, Callable<Boolean> condition, String what) throws Exception {
    Instant end = Instant.now().plus(deadline);
    while (!condition.call()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError(what + " did not happen within " + deadline);
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling a condition with a deadline
    }
  }

  @Test
  void bothNodesStartAndStopSigningWithin10Seconds() throws Exception {
    String d = "a.example";
    assertThat(keys(a, d, d).keys()).containsExactly(shared);
    assertThat(keys(a, d, d).customSkipped()).isEmpty();

    DkimKeyView v = await(fx.service.activate(d));
    within(Duration.ofSeconds(10), () -> keys(b, d, d).customSkipped().equals(Optional.of(CustomSkipReason.PENDING)),
        "node B sees the pending key");
    assertThat(keys(a, d, d).keys()).containsExactly(shared);

    fx.bind.setTxt(v.dnsRecord().name(), BindServer.split255(v.dnsRecord().value()));
    assertThat(await(fx.service.checkNow(d)).result().wireName()).isEqualTo("ok");
    Instant activated = Instant.now();
    // Node A made the change: it reloads at once (asynchronously, well before its next timer tick).
    within(Duration.ofSeconds(10), () -> signsCustom(a, d), "node A signs with the custom key");
    within(Duration.ofSeconds(10).minus(Duration.between(activated, Instant.now())), () -> signsCustom(b, d),
        "node B signs with the custom key");
    Selection sel = keys(b, d, d);
    assertThat(sel.keys().get(0).domain()).isEqualTo(d);
    assertThat(sel.keys().get(0).selector()).isEqualTo(v.selector());
    assertThat(sel.keys().get(1)).isEqualTo(shared);
    assertThat(sel.customSkipped()).isEmpty();
    // A From domain other than the account's: shared only, and why.
    Selection mismatch = keys(b, d, "other.example");
    assertThat(mismatch.keys()).containsExactly(shared);
    assertThat(mismatch.customSkipped()).contains(CustomSkipReason.FROM_MISMATCH);

    await(fx.service.disable(d));
    Instant disabled = Instant.now();
    within(Duration.ofSeconds(10), () -> !signsCustom(a, d), "node A stops signing");
    within(Duration.ofSeconds(10).minus(Duration.between(disabled, Instant.now())), () -> !signsCustom(b, d),
        "node B stops signing");
    assertThat(keys(b, d, d).keys()).containsExactly(shared);
    assertThat(keys(b, d, d).customSkipped()).contains(CustomSkipReason.DISABLED);
  }

  @Test
  void aKeyThatCannotBeDecryptedFallsBackToSharedOnly() throws Exception {
    String d = "undecryptable.a.example";
    DkimKeyView v = await(fx.service.activate(d));
    fx.bind.setTxt(v.dnsRecord().name(), BindServer.split255(v.dnsRecord().value()));
    assertThat(await(fx.service.checkNow(d)).result().wireName()).isEqualTo("ok");
    KeyEncryption wrongMaster = KeyEncryption.of(new byte[32]);
    CustomKeySource c = new CustomKeySource(nodeB, new EsKeyStore(nodeB, fx.esUrl, fx.index), wrongMaster,
        sharedSource, nodeB.createSharedWorkerExecutor("node-c-keys", 1), Duration.ofSeconds(3));
    onContext(nodeB, c::start);
    try {
      Selection sel = keys(c, d, d);
      assertThat(sel.keys()).containsExactly(shared);
      assertThat(sel.customSkipped()).contains(CustomSkipReason.KEY_UNAVAILABLE);
    } finally {
      c.stop();
      await(fx.service.disable(d));
    }
  }
}
