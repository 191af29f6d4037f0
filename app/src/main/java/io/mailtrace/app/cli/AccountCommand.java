package io.mailtrace.app.cli;

import io.mailtrace.app.dev.DevSecrets;
import io.mailtrace.app.config.ConfigLoader;
import io.mailtrace.app.dev.DevPaths;
import io.mailtrace.signer.accounts.Account;
import io.mailtrace.signer.accounts.AccountStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mailtrace account add|remove|list}: manages the signer's SMTP AUTH accounts file
 * (Argon2id hashes) named by {@code signer.accounts_file} of {@code --config}, or the dev data
 * directory's. A running signer picks up changes without a restart.
 */
public final class AccountCommand {
  private final PrintStream out;

  public AccountCommand(PrintStream out) {
    this.out = out;
  }

  public int run(List<String> argv) throws Exception {
    Args a = Args.parse(argv, Set.of("config", "data-dir", "password-file", "domain"), Set.of());
    List<String> pos = a.positional();
    if (pos.isEmpty()) {
      throw new UsageException("account: expected add, remove or list");
    }
    String sub = pos.get(0);
    Path file = accountsFile(a);
    switch (sub) {
      case "list" -> {
        expectArgs(pos, 1, "account list");
        for (Account acc : AccountStore.open(file).list()) {
          out.println(acc.name() + "\t" + acc.domain());
        }
        return 0;
      }
      case "add" -> {
        expectArgs(pos, 2, "account add <user@domain>");
        String password;
        boolean generated = !a.has("password-file");
        if (generated) {
          password = DevSecrets.randomPassword();
        } else {
          Path pf = Path.of(a.get("password-file"));
          if (!Files.isReadable(pf)) {
            throw new UsageException("account add: --password-file not readable: " + pf);
          }
          password = Files.readString(pf).strip();
        }
        Account acc;
        try {
          acc = AccountStore.open(file).add(pos.get(1), a.get("domain"), password.toCharArray());
        } catch (IllegalArgumentException e) {
          throw new UsageException("account add: " + e.getMessage());
        }
        out.println("added " + acc.name() + " (domain " + acc.domain() + ") to " + file);
        if (generated) {
          out.println("password: " + password);
        }
        return 0;
      }
      case "remove" -> {
        expectArgs(pos, 2, "account remove <user@domain>");
        if (!AccountStore.open(file).remove(pos.get(1))) {
          throw new UsageException("account remove: no account named \"" + pos.get(1) + "\" in " + file);
        }
        out.println("removed " + pos.get(1));
        return 0;
      }
      default -> throw new UsageException("account: unknown subcommand \"" + sub + "\"; expected add, remove or list");
    }
  }

  private static void expectArgs(List<String> pos, int n, String usage) throws UsageException {
    if (pos.size() != n) {
      throw new UsageException("usage: mailtrace " + usage);
    }
  }

  private static Path accountsFile(Args a) throws Exception {
    if (a.has("config")) {
      return ConfigLoader.loadUnvalidated(Path.of(a.get("config")), System.getenv(), Map.of()).signer().accountsFile();
    }
    return DevPaths.of(a.get("data-dir")).accounts();
  }
}
