package io.mailtrace.signer.keys;

import io.vertx.core.Future;
import java.util.List;

/**
 * Looks up the TXT records at a name. Each record's strings are already concatenated. Futures
 * complete on the caller's context; the lookup itself never blocks an event loop.
 */
public interface DnsTxtResolver {

  /** What the DNS said. */
  sealed interface Answer permits Found, NotFound, Failed {}

  /** One entry per TXT record at the name (several = a misconfiguration). */
  record Found(List<String> records) implements Answer {
    public Found {
      records = List.copyOf(records);
    }
  }

  /** NXDOMAIN ({@code nxdomain}) or NODATA (the name exists without TXT). */
  record NotFound(boolean nxdomain) implements Answer {}

  /** SERVFAIL, REFUSED, timeout, unreachable: temporary. */
  record Failed(String reason) implements Answer {}

  Future<Answer> txt(String name);
}
