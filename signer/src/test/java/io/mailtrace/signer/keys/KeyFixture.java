package io.mailtrace.signer.keys;

import io.mailtrace.testkit.BindServer;
import io.mailtrace.testkit.TestElasticsearch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Real Elasticsearch (own index per fixture) + real BIND + the key management objects. */
final class KeyFixture implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final WorkerExecutor workers = vertx.createSharedWorkerExecutor("mailtrace-keys-test", 2);
  final String esUrl = TestElasticsearch.url();
  final String index = "mailtrace-dkim-keys-test-" + UUID.randomUUID().toString().substring(0, 8);
  final Path dir;
  final KeysConfig config;
  final KeyEncryption encryption;
  final EsKeyStore store;
  final BindServer bind;
  final DkimKeyServiceImpl service;
  final KeyLifecycle lifecycle;

  KeyFixture(Clock clock, String... zones) throws Exception {
    dir = Files.createTempDirectory("mailtrace-keys-");
    Path master = dir.resolve("master.key");
    KeyEncryption.createKeyFile(master);
    bind = BindServer.start(zones);
    config = KeysConfig.defaults(esUrl, master).withIndex(index)
        .withResolvers(List.of(bind.address())).withCacheRefresh(Duration.ofSeconds(2));
    encryption = KeyEncryption.fromFile(master);
    store = new EsKeyStore(vertx, esUrl, index);
    await(store.ensureIndex());
    DnsChecker checker = new DnsChecker(new DnsjavaTxtResolver(vertx, config.resolvers(), config.dnsTimeout()), clock);
    service = new DkimKeyServiceImpl(store, new KeyGenerator(workers, clock), encryption, checker, config, clock);
    lifecycle = new KeyLifecycle(service, clock);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** The index's raw documents as Elasticsearch returns them. */
  String rawDocuments() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(esUrl + "/" + index + "/_search?size=1000"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Override
  public void close() throws Exception {
    bind.close();
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(esUrl + "/" + index)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
