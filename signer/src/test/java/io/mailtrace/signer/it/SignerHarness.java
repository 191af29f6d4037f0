package io.mailtrace.signer.it;

import io.mailtrace.journal.FileJournal;
import io.mailtrace.journal.JournalConfig;
import io.mailtrace.journal.JournalEntry;
import io.mailtrace.journal.JournalPosition;
import io.mailtrace.journal.JournalReader;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.signer.accounts.AccountAuthenticator;
import io.mailtrace.signer.accounts.AccountStore;
import io.mailtrace.signer.accounts.PasswordHasher;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.MessageSigner;
import io.mailtrace.signer.dkim.SigningKeySource;
import io.mailtrace.signer.pipeline.SigningPipeline;
import io.mailtrace.signer.smtp.ConnectionLimiter;
import io.mailtrace.signer.smtp.SmtpServerVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** A real signer (Vert.x server, relay client, file journal, account store) for integration tests. */
final class SignerHarness implements AutoCloseable {
  final Vertx vertx;
  final Path dir;
  final FileJournal journal;
  final JournalConfig journalConfig;
  final AccountStore accounts;
  final SignerConfig config;

  SignerHarness(Vertx vertx, Path dir, SignerConfig base, MessageSigner signer, SigningKeySource keys) throws Exception {
    this(vertx, dir, base, signer, keys, UnaryOperator.identity());
  }

  /** With the journal config adjusted by {@code journalSetup} (e.g. fault-injecting segment files). */
  SignerHarness(Vertx vertx, Path dir, SignerConfig base, MessageSigner signer, SigningKeySource keys,
      UnaryOperator<JournalConfig> journalSetup) throws Exception {
    this.vertx = vertx;
    this.dir = dir;
    this.journalConfig = journalSetup.apply(JournalConfig.defaults(dir.resolve("journal")));
    this.journal = await(FileJournal.open(vertx, journalConfig, new SimpleMeterRegistry()));
    // light Argon2id parameters keep tests fast; production uses PasswordHasher.defaults()
    this.accounts = AccountStore.open(dir.resolve("accounts.tsv"), new PasswordHasher(4096, 1, 1));
    if (accounts.list().isEmpty()) {
      accounts.add("shop@example.com", null, "secret".toCharArray());
    }
    this.config = base.withAccountsFile(accounts.file());
    var workers = vertx.createSharedWorkerExecutor("mailtrace-test-auth", 2);
    var auth = new AccountAuthenticator(accounts, config.trustedNetworks(), workers);
    var limiter = new ConnectionLimiter(config.limits().maxConnectionsPerIp());
    await(vertx.deployVerticle(
        () -> new SmtpServerVerticle(config, auth,
            hop -> new SigningPipeline(signer, keys, journal, hop.address(), config.nodeName(), Clock.systemUTC()), limiter),
        new DeploymentOptions().setInstances(config.instances())));
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  List<TraceRecord> records() {
    try (var reader = new JournalReader(journalConfig)) {
      var out = new ArrayList<TraceRecord>();
      for (JournalEntry e : reader.read(JournalPosition.START, 100_000, Long.MAX_VALUE)) {
        out.add(TraceJson.parse(e.line()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls the journal until the predicate holds (deadline 60 s). */
  List<TraceRecord> awaitRecords(Predicate<List<TraceRecord>> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<TraceRecord> recs = records();
    while (!condition.test(recs) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50); // polling interval, not synchronisation
      recs = records();
    }
    return recs;
  }

  @Override
  public void close() throws Exception {
    journal.close();
  }

  static Path file(Path dir, String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }
}
