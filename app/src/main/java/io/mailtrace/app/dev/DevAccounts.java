package io.mailtrace.app.dev;

import io.mailtrace.signer.accounts.AccountStore;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers the demo account (Argon2id hash) in the signer's account store, once. */
final class DevAccounts {
  private static final Logger LOG = LoggerFactory.getLogger(DevAccounts.class);

  private DevAccounts() {}

  /** Blocking (Argon2id): called on the main thread before Vert.x work starts. */
  static void ensure(Path accountsFile, DevSecrets.DemoAccount demo) {
    AccountStore store = AccountStore.open(accountsFile);
    if (store.list().stream().noneMatch(a -> a.name().equalsIgnoreCase(demo.user()))) {
      store.add(demo.user(), null, demo.password().toCharArray());
      LOG.info("demo account {} created in {}", demo, accountsFile);
    }
  }
}
