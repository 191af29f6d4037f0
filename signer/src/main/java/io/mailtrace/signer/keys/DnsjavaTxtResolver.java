package io.mailtrace.signer.keys;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link DnsTxtResolver} with dnsjava 3.6: configured resolvers ({@code host:port}, default the
 * system's), no cache (an admin who just published wants the current answer), TCP retry when a
 * UDP answer is truncated (dnsjava's SimpleResolver does it). dnsjava's async API does the I/O
 * on its own NIO thread; the result comes back on the caller's Vert.x context.
 */
public final class DnsjavaTxtResolver implements DnsTxtResolver {
  private final Vertx vertx;
  private final Resolver resolver;

  public DnsjavaTxtResolver(Vertx vertx, List<String> hostPorts, Duration timeout) {
    this.vertx = vertx;
    this.resolver = build(hostPorts, timeout);
  }

  private static Resolver build(List<String> hostPorts, Duration timeout) {
    try {
      List<Resolver> list = new ArrayList<>();
      if (hostPorts.isEmpty()) {
        SimpleResolver r = new SimpleResolver(); // the system's first resolver
        r.setTimeout(timeout);
        list.add(r);
      }
      for (String hp : hostPorts) {
        int colon = hp.lastIndexOf(':');
        boolean hasPort = colon > 0 && hp.indexOf(':') == colon; // not a bare IPv6 address
        SimpleResolver r = new SimpleResolver(hasPort ? hp.substring(0, colon) : hp);
        if (hasPort) {
          r.setPort(Integer.parseInt(hp.substring(colon + 1)));
        }
        r.setTimeout(timeout);
        list.add(r);
      }
      if (list.size() == 1) {
        return list.get(0);
      }
      ExtendedResolver ext = new ExtendedResolver(list);
      ext.setTimeout(timeout.multipliedBy(list.size()));
      ext.setRetries(1);
      return ext;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad DNS resolver: " + e.getMessage(), e);
    }
  }

  @Override
  public Future<Answer> txt(String name) {
    Message query;
    try {
      query = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(name, Name.root), Type.TXT, DClass.IN));
    } catch (TextParseException e) {
      return Future.succeededFuture(new Failed("not a valid DNS name: " + name));
    }
    Context ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(resolver.sendAsync(query), ctx)
        .map(DnsjavaTxtResolver::interpret)
        .recover(e -> Future.succeededFuture(new Failed(describe(e))));
  }

  static Answer interpret(Message m) {
    int rcode = m.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return new NotFound(true);
    }
    if (rcode != Rcode.NOERROR) {
      return new Failed("the DNS server answered " + Rcode.string(rcode));
    }
    List<String> records = new ArrayList<>();
    for (org.xbill.DNS.Record r : m.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord txt) {
        // Raw bytes: getStrings() would escape quotes, backslashes and tabs zone-file style.
        StringBuilder value = new StringBuilder();
        for (byte[] part : txt.getStringsAsByteArrays()) {
          value.append(new String(part, StandardCharsets.UTF_8));
        }
        records.add(value.toString());
      }
    }
    return records.isEmpty() ? new NotFound(false) : new Found(records);
  }

  private static String describe(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getMessage() == null) {
      c = c.getCause();
    }
    String what = c instanceof java.io.IOException && String.valueOf(c.getMessage()).contains("Timed out")
        ? "timed out" : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    return "no answer from the DNS resolver (" + what + ")";
  }
}
