package io.mailtrace.signer.smtp;

import io.mailtrace.journal.TraceJournal;
import io.mailtrace.signer.config.SignerConfig;
import io.mailtrace.signer.dkim.MessageSigner;
import io.mailtrace.signer.dkim.SigningKeySource;
import io.mailtrace.signer.pipeline.SigningPipeline;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * Deploys the SMTP role: {@code config.instances()} {@link SmtpServerVerticle}s sharing the port,
 * one connection limiter for the process, one next-hop client and pipeline per instance. For the
 * app's composition root:
 *
 * <pre>{@code
 * var store = AccountStore.open(cfg.accountsFile());
 * var auth = new AccountAuthenticator(store, cfg.trustedNetworks(), vertx.createSharedWorkerExecutor("mailtrace-auth", 2));
 * SignerDeployment.deploy(vertx, cfg, auth, new DkimMessageSigner(vertx), sharedKeySource, journal);
 * }</pre>
 */
public final class SignerDeployment {
  private SignerDeployment() {}

  /** Fails with the list of config errors when the config is invalid. */
  public static Future<String> deploy(
      Vertx vertx, SignerConfig config, Authenticator auth, MessageSigner signer, SigningKeySource keys, TraceJournal journal) {
    var errors = config.validate();
    if (!errors.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("invalid signer config: " + String.join("; ", errors)));
    }
    var limiter = new ConnectionLimiter(config.limits().maxConnectionsPerIp());
    return vertx.deployVerticle(
        () -> new SmtpServerVerticle(config, auth,
            hop -> new SigningPipeline(signer, keys, journal, hop.address(), config.nodeName(), Clock.systemUTC()), limiter),
        new DeploymentOptions().setInstances(config.instances()));
  }
}
