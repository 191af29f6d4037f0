package io.mailtrace.app.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code mailtrace account add|remove|list}: manages the SMTP AUTH accounts file of the signer
 * (Argon2id hashes). Delegates to the signer's account store.
 */
public final class AccountCommand {
  private final PrintStream out;

  public AccountCommand(PrintStream out) {
    this.out = out;
  }

  public int run(List<String> argv) throws Exception {
    Args a = Args.parse(argv, Set.of("config", "data-dir", "password-file"), Set.of());
    if (a.positional().isEmpty()) {
      throw new UsageException("account: expected add, remove or list");
    }
    String sub = a.positional().get(0);
    switch (sub) {
      case "add", "remove", "list" -> throw new IllegalStateException("the signer's account store is not part of this build yet");
      default -> throw new UsageException("account: unknown subcommand \"" + sub + "\"; expected add, remove or list");
    }
  }

  PrintStream out() {
    return out;
  }
}
