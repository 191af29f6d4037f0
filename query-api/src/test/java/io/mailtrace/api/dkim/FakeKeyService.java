package io.mailtrace.api.dkim;

import io.mailtrace.model.keys.CheckOutcome;
import io.mailtrace.model.keys.DkimKeyService;
import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.model.keys.DnsCheck;
import io.mailtrace.model.keys.DnsCheckResult;
import io.mailtrace.model.keys.DnsRecordView;
import io.mailtrace.model.keys.KeyManagementException;
import io.mailtrace.model.keys.KeyManagementException.Kind;
import io.mailtrace.model.keys.KeyState;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory {@link DkimKeyService} (a fake of our own port) recording which domains it was asked about. */
public final class FakeKeyService implements DkimKeyService {
  final Map<String, DkimKeyView> keys = new ConcurrentHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public Future<DkimKeyView> view(String domain) {
    calls.add("view " + domain);
    return Future.succeededFuture(keys.getOrDefault(domain, DkimKeyView.none(domain)));
  }

  @Override
  public Future<DkimKeyView> activate(String domain) {
    calls.add("activate " + domain);
    DkimKeyView cur = keys.get(domain);
    if (cur != null) {
      return Future.failedFuture(new KeyManagementException(Kind.CONFLICT, "already " + cur.state().wireName(), cur));
    }
    String sel = "mt2611281234";
    String name = sel + "._domainkey." + domain;
    DkimKeyView v = new DkimKeyView(domain, KeyState.PENDING, sel,
        new DnsRecordView(name, "TXT", "v=DKIM1; k=rsa; p=MIIB", name + ". 3600 IN TXT ( \"v=DKIM1; k=rsa; p=MIIB\" )"),
        Instant.parse("2026-11-28T12:00:00Z"), Instant.parse("2026-12-05T12:00:00Z"), null, null, null);
    keys.put(domain, v);
    return Future.succeededFuture(v);
  }

  @Override
  public Future<CheckOutcome> checkNow(String domain) {
    calls.add("check " + domain);
    DkimKeyView cur = keys.get(domain);
    if (cur == null) {
      return Future.failedFuture(new KeyManagementException(Kind.NO_KEY, "no key"));
    }
    DkimKeyView active = new DkimKeyView(domain, KeyState.ACTIVE, cur.selector(), cur.dnsRecord(), cur.createdAt(),
        null, Instant.now(), new DnsCheck(DnsCheckResult.OK, "fine", Instant.now()), DnsCheckResult.OK);
    keys.put(domain, active);
    return Future.succeededFuture(new CheckOutcome(DnsCheckResult.OK, "fine", KeyState.ACTIVE));
  }

  @Override
  public Future<Void> disable(String domain) {
    calls.add("disable " + domain);
    return keys.remove(domain) == null
        ? Future.failedFuture(new KeyManagementException(Kind.NO_KEY, "no key"))
        : Future.succeededFuture();
  }
}
