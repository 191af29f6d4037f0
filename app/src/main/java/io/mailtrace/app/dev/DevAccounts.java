package io.mailtrace.app.dev;

import io.mailtrace.app.wiring.ModuleWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers the demo account (Argon2id hash) in the signer's account store, once. */
final class DevAccounts {
  private static final Logger LOG = LoggerFactory.getLogger(DevAccounts.class);

  private DevAccounts() {}

  static void ensure(ModuleWiring modules, DevPaths paths, DevSecrets.DemoAccount demo) {
    LOG.warn("the signer's account store is not part of this build yet; {} is not registered in {}", demo, paths.accounts());
  }
}
