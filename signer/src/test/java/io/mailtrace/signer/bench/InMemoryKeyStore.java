package io.mailtrace.signer.bench;

import io.mailtrace.model.keys.KeyState;
import io.mailtrace.signer.keys.DkimKeyRecord;
import io.mailtrace.signer.keys.KeyStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link KeyStore} in memory, for the relay benchmark: the signer reads custom keys from a cache
 * ({@code CustomKeySource}) and never from the store per message, so where the store lives does not
 * change what the benchmark measures; Elasticsearch would only add a 1 GB process to a CPU-bound run.
 */
final class InMemoryKeyStore implements KeyStore {
  private final Map<String, DkimKeyRecord> byId = new ConcurrentHashMap<>();

  @Override
  public Future<Void> ensureIndex() {
    return Future.succeededFuture();
  }

  @Override
  public Future<List<DkimKeyRecord>> forDomain(String domain) {
    return Future.succeededFuture(byId.values().stream().filter(r -> r.domain().equals(domain))
        .sorted(Comparator.comparing(DkimKeyRecord::createdAt).reversed()).toList());
  }

  @Override
  public Future<List<DkimKeyRecord>> inStates(Set<KeyState> states) {
    return Future.succeededFuture(byId.values().stream().filter(r -> states.contains(r.state()))
        .sorted(Comparator.comparing(DkimKeyRecord::createdAt)).toList());
  }

  @Override
  public Future<DkimKeyRecord> create(DkimKeyRecord record) {
    DkimKeyRecord stored = record.withVersion(1, 1);
    if (byId.putIfAbsent(record.id(), stored) != null) {
      return Future.failedFuture(new ConcurrentUpdateException(record.id()));
    }
    return Future.succeededFuture(stored);
  }

  @Override
  public Future<DkimKeyRecord> update(DkimKeyRecord record) {
    List<DkimKeyRecord> out = new ArrayList<>(1);
    byId.compute(record.id(), (id, cur) -> {
      if (cur == null || cur.seqNo() != record.seqNo()) {
        return cur;
      }
      DkimKeyRecord next = record.withVersion(cur.seqNo() + 1, cur.primaryTerm());
      out.add(next);
      return next;
    });
    return out.isEmpty() ? Future.failedFuture(new ConcurrentUpdateException(record.id())) : Future.succeededFuture(out.get(0));
  }
}
