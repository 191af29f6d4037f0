package io.mailtrace.signer.dkim;

import io.mailtrace.signer.message.HeaderSection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;

/**
 * {@link MessageSigner} running {@link DkimSignerCore} on the shared worker pool {@value #POOL_NAME}
 * (unordered: signatures of one context never queue behind each other). Body hashing and RSA
 * happen there, never on the caller's event loop. Close it with {@link #close()} when the
 * owning verticle stops.
 */
public final class DkimMessageSigner implements MessageSigner {
  public static final String POOL_NAME = "mailtrace-dkim";

  private final WorkerExecutor executor;
  private final DkimSignerCore core;

  /** A pool of one thread per core: RSA is CPU-bound, more threads would only queue. */
  public DkimMessageSigner(Vertx vertx) {
    this(vertx, new DkimSignerCore(), Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param poolSize worker threads; a shared pool keeps the size of whoever created it first
   */
  public DkimMessageSigner(Vertx vertx, DkimSignerCore core, int poolSize) {
    this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, poolSize);
    this.core = core;
  }

  @Override
  public Future<SignedMessage> sign(byte[] message, HeaderSection headers, List<SigningKey> keys) {
    List<SigningKey> keyList = List.copyOf(keys);
    return executor
        .executeBlocking(() -> core.sign(message, headers, keyList), false)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof DkimSigningException
                        ? e
                        // a bug or a closed pool: not the client's fault, let it retry (4xx)
                        : new DkimSigningException(
                            "DKIM signing failed: " + e.getClass().getSimpleName(), false, e)));
  }

  /** Releases this signer's reference to the shared pool. */
  public Future<Void> close() {
    return executor.close();
  }
}
