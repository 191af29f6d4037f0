package io.mailtrace.signer.keys;

import io.mailtrace.model.keys.DnsCheck;
import io.mailtrace.model.keys.DnsCheckResult;
import io.vertx.core.Future;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;

/**
 * Checks that a key's TXT record is published correctly and explains what is wrong, with hints
 * for the usual mistakes: the record at {@code <sel>._domainkey.<domain>.<domain>} (a DNS
 * provider that appends the zone to the name), a truncated key, quotes pasted into the value.
 */
public final class DnsChecker {
  private final DnsTxtResolver resolver;
  private final Clock clock;

  public DnsChecker(DnsTxtResolver resolver, Clock clock) {
    this.resolver = resolver;
    this.clock = clock;
  }

  public Future<DnsCheck> check(String domain, String selector, String publicKeyBase64) {
    String name = selector + "._domainkey." + domain;
    return resolver.txt(name).compose(a -> {
      if (a instanceof DnsTxtResolver.NotFound) {
        return doubledNameHint(name, domain)
            .map(hint -> done(DnsCheckResult.NOT_FOUND, "No TXT record found at " + name + "." + hint));
      }
      if (a instanceof DnsTxtResolver.Failed f) {
        return Future.succeededFuture(done(DnsCheckResult.DNS_ERROR,
            "The DNS lookup of " + name + " failed temporarily (" + f.reason()
                + "); this does not count against the domain, try again later."));
      }
      DnsTxtResolver.Found found = (DnsTxtResolver.Found) a;
      if (found.records().size() > 1) {
        return Future.succeededFuture(done(DnsCheckResult.MULTIPLE_RECORDS, found.records().size()
            + " TXT records are published at " + name + "; keep only the DKIM record shown."));
      }
      return Future.succeededFuture(compare(name, found.records().get(0), publicKeyBase64));
    });
  }

  private Future<String> doubledNameHint(String name, String domain) {
    String doubled = name + "." + domain;
    return resolver.txt(doubled).map(a -> a instanceof DnsTxtResolver.Found
        ? " A record exists at " + doubled + ": your DNS provider appends the domain to the name,"
            + " so enter only " + name.substring(0, name.length() - domain.length() - 1) + " as the name."
        : " If you just published it, DNS propagation can take a while.");
  }

  private DnsCheck compare(String name, String value, String expectedBase64) {
    String v = value.strip();
    if (v.startsWith("\"") || v.endsWith("\"")) {
      return done(DnsCheckResult.MALFORMED, "The record at " + name
          + " is wrapped in quotes: paste the value without the quotes of the zone file line.");
    }
    DkimTxtRecord rec;
    try {
      rec = DkimTxtRecord.parse(v);
    } catch (DkimTxtRecord.MalformedException e) {
      return done(DnsCheckResult.MALFORMED, "The record at " + name + " is not a valid DKIM key record: "
          + e.getMessage() + "." + truncationHint(v, expectedBase64));
    }
    if (rec.revoked()) {
      return done(DnsCheckResult.REVOKED, "The record at " + name + " has an empty p=: the key is revoked.");
    }
    if (rec.sameKeyAs(expected(expectedBase64))) {
      return done(DnsCheckResult.OK, "The record at " + name + " publishes this key.");
    }
    return done(DnsCheckResult.KEY_MISMATCH, "The record at " + name
        + " publishes a different public key." + truncationHint(v, expectedBase64));
  }

  /** A hint only: the verdict itself never compares strings. */
  private static String truncationHint(String value, String expectedBase64) {
    int p = value.indexOf("p=");
    if (p < 0) {
      return "";
    }
    String published = value.substring(p + 2).replaceAll("[\\s\"]", "").replaceAll(";.*$", "");
    if (!published.isEmpty() && published.length() < expectedBase64.length()
        && expectedBase64.startsWith(published)) {
      return " The key looks truncated: " + published.length() + " of " + expectedBase64.length()
          + " characters are published (some DNS providers cut values at 255 characters;"
          + " use several quoted strings).";
    }
    return "";
  }

  private static RSAPublicKey expected(String base64) {
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (Exception e) {
      throw new IllegalStateException("stored public key does not decode", e);
    }
  }

  private DnsCheck done(DnsCheckResult r, String message) {
    return new DnsCheck(r, message, clock.instant());
  }
}
