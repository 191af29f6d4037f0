package io.mailtrace.signer.keys;

import static io.mailtrace.signer.keys.KeyFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.model.keys.CheckOutcome;
import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.model.keys.DnsCheckResult;
import io.mailtrace.model.keys.KeyManagementException;
import io.mailtrace.model.keys.KeyState;
import io.mailtrace.testkit.BindServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Activate, check, go active, re-verify, disable, expire — real Elasticsearch and BIND, injected clock. */
class KeyServiceIT {
  static MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  static KeyFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new KeyFixture(clock, "a.example");
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  static KeyManagementException failure(io.vertx.core.Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(KeyManagementException.class);
      return (KeyManagementException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void activateCheckPublishActiveReverifyDisable() throws Exception {
    String d = "a.example";
    assertThat(await(fx.service.view(d)).state()).isEqualTo(KeyState.NONE);

    DkimKeyView v = await(fx.service.activate(d));
    assertThat(v.state()).isEqualTo(KeyState.PENDING);
    assertThat(v.selector()).matches("mt261128\\d{4}");
    assertThat(v.dnsRecord().name()).isEqualTo(v.selector() + "._domainkey.a.example");
    assertThat(v.dnsRecord().value()).startsWith("v=DKIM1; k=rsa; p=MII");
    assertThat(v.dnsRecord().zoneFileLine()).contains("\" \"");
    assertThat(v.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));

    KeyManagementException conflict = failure(fx.service.activate("A.Example"));
    assertThat(conflict.kind()).isEqualTo(KeyManagementException.Kind.CONFLICT);
    assertThat(conflict.current().orElseThrow().selector()).isEqualTo(v.selector());

    CheckOutcome notYet = await(fx.service.checkNow(d));
    assertThat(notYet.result()).isEqualTo(DnsCheckResult.NOT_FOUND);
    assertThat(notYet.state()).isEqualTo(KeyState.PENDING);

    fx.bind.setTxt(v.dnsRecord().name(), BindServer.split255(v.dnsRecord().value()));
    CheckOutcome ok = await(fx.service.checkNow(d));
    assertThat(ok.result()).isEqualTo(DnsCheckResult.OK);
    assertThat(ok.state()).isEqualTo(KeyState.ACTIVE);
    DkimKeyView active = await(fx.service.view(d));
    assertThat(active.state()).isEqualTo(KeyState.ACTIVE);
    assertThat(active.verifiedAt()).isEqualTo(clock.instant());
    assertThat(active.expiresAt()).isNull();
    assertThat(failure(fx.service.activate(d)).kind()).isEqualTo(KeyManagementException.Kind.CONFLICT);

    // The record disappears later: the periodic re-verification reports it, the key stays active.
    fx.bind.removeTxt(v.dnsRecord().name());
    clock.advance(fx.config.activeRecheck());
    KeyLifecycle.Pass pass = await(fx.lifecycle.runOnce());
    assertThat(pass.checked()).isGreaterThanOrEqualTo(1);
    DkimKeyView problem = await(fx.service.view(d));
    assertThat(problem.state()).isEqualTo(KeyState.ACTIVE);
    assertThat(problem.dnsStatus()).isEqualTo(DnsCheckResult.NOT_FOUND);

    await(fx.service.disable(d));
    assertThat(await(fx.service.view(d)).state()).isEqualTo(KeyState.NONE);
    assertThat(failure(fx.service.disable(d)).kind()).isEqualTo(KeyManagementException.Kind.NO_KEY);
    assertThat(failure(fx.service.checkNow(d)).kind()).isEqualTo(KeyManagementException.Kind.NO_KEY);
    DkimKeyRecord stored = await(fx.store.forDomain(d)).stream()
        .filter(r -> r.selector().equals(v.selector())).findFirst().orElseThrow();
    assertThat(stored.state()).isEqualTo(KeyState.DISABLED);
    assertThat(stored.privateKey()).isNull();

    // Activating again after disabling gives a new selector.
    DkimKeyView again = await(fx.service.activate(d));
    assertThat(again.selector()).isNotEqualTo(v.selector());
    await(fx.service.disable(d));
  }

  @Test
  void pendingKeyIsRecheckedAutomaticallyAndGoesActive() throws Exception {
    String d = "auto.a.example";
    DkimKeyView v = await(fx.service.activate(d));
    fx.bind.setTxt(v.dnsRecord().name(), BindServer.split255(v.dnsRecord().value()));
    // Not due yet: nothing checked for this key.
    await(fx.lifecycle.runOnce());
    assertThat(await(fx.service.view(d)).state()).isEqualTo(KeyState.PENDING);
    clock.advance(fx.config.pendingRecheck());
    await(fx.lifecycle.runOnce());
    DkimKeyView after = await(fx.service.view(d));
    assertThat(after.state()).isEqualTo(KeyState.ACTIVE);
    assertThat(after.lastCheck().result()).isEqualTo(DnsCheckResult.OK);
    await(fx.service.disable(d));
  }

  @Test
  void neverVerifiedKeyIsRemovedSevenDaysAfterActivation() throws Exception {
    String d = "expiry.a.example";
    DkimKeyView v = await(fx.service.activate(d));
    clock.advance(Duration.ofDays(7).minusMinutes(1));
    await(fx.lifecycle.runOnce());
    assertThat(await(fx.service.view(d)).state()).isEqualTo(KeyState.PENDING);
    clock.advance(Duration.ofMinutes(1));
    KeyLifecycle.Pass pass = await(fx.lifecycle.runOnce());
    assertThat(pass.expired()).isGreaterThanOrEqualTo(1);
    assertThat(await(fx.service.view(d)).state()).isEqualTo(KeyState.NONE);
    DkimKeyRecord stored = await(fx.store.forDomain(d)).stream()
        .filter(r -> r.selector().equals(v.selector())).findFirst().orElseThrow();
    assertThat(stored.state()).isEqualTo(KeyState.EXPIRED);
    assertThat(stored.privateKey()).isNull();
    assertThat(stored.endedAt()).isEqualTo(clock.instant());
  }

  @Test
  void invalidDomainsAreRefused() throws Exception {
    for (String bad : new String[] {"", "no_underscores.example", "a..example", "x", "-a.example"}) {
      assertThat(failure(fx.service.activate(bad)).kind()).isEqualTo(KeyManagementException.Kind.INVALID_DOMAIN);
    }
  }
}
