package io.mailtrace.app;

import io.mailtrace.app.cli.AccountCommand;
import io.mailtrace.app.cli.ReplayDeadLettersCommand;
import io.mailtrace.app.cli.RunCommand;
import io.mailtrace.app.cli.TokenCommand;
import io.mailtrace.app.cli.UsageException;
import io.mailtrace.app.config.ConfigException;
import io.mailtrace.app.config.ConfigProblem;
import io.mailtrace.app.dev.DevCommand;
import java.io.PrintStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mailtrace} command line: {@code run}, {@code dev}, {@code token}, {@code account},
 * {@code replay-dead-letters}, {@code help}. Mistakes in the command line or the configuration print a clear message and exit
 * with code 2; other failures exit with 1; never a stack trace on the terminal.
 */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String HELP = """
      Usage: mailtrace <command> [options]

      Commands:
        dev      run everything on this machine: a local Elasticsearch, every role, a capture
                 next hop writing relayed mail to <data-dir>/outbox/
                   --data-dir DIR     state directory (default ./.mailtrace in the repository)
                   --smtp-port N      SMTP port (default 2525)
                   --http-port N      API and web UI port (default 8025)
                   --es-url URL       use this Elasticsearch instead of starting one
        run      run in production from a configuration file
                   --config FILE      YAML configuration (default mailtrace.yaml; env MAILTRACE_CONFIG)
                   --roles LIST       comma-separated subset of signer,ingest,api (default: all)
        token    print an API token
                   --role admin|support|domain-admin   (required)
                   --domain D         a domain of a domain-admin (repeat for several)
                   --ttl DURATION     lifetime, e.g. 12h, 30d (default 30d)
                   --config FILE      read api.jwt_secret_file from this configuration
                   --data-dir DIR     or use the dev data directory's secret (default)
        account  manage SMTP AUTH accounts
                   add <user@domain> [--password-file F]   (a random password is printed when omitted)
                   remove <user@domain>
                   list
                   --config FILE | --data-dir DIR          where the accounts file is
        replay-dead-letters   re-index the fixed records of an ingest dead-letter file (idempotent
                 by id); records that still fail stay in the file. Stop ingest first (or replay a copy).
                   --file F           the dead-letter file (ingest.dead_letter_file)
                   --es URL           Elasticsearch (default http://127.0.0.1:9200)
                   --config FILE      take both from this configuration instead
        config-example   print a configuration file with every key, its default and meaning
        help     this text

      Every configuration key can be overridden by an environment variable derived from its path:
      signer.listen.port -> MAILTRACE_SIGNER_LISTEN_PORT. See mailtrace.example.yaml.
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** Runs one command; returns the exit code. Long-running commands return when stopped. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    String cmd = args.isEmpty() ? "help" : args.get(0);
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    try {
      return switch (cmd) {
        case "help", "--help", "-h" -> {
          out.print(HELP);
          yield OK;
        }
        case "config-example" -> {
          out.print(io.mailtrace.app.config.ExampleConfig.render());
          yield OK;
        }
        case "run" -> new RunCommand(out, err).run(rest);
        case "dev" -> new DevCommand(out, err).run(rest);
        case "token" -> new TokenCommand(out).run(rest);
        case "account" -> new AccountCommand(out).run(rest);
        case "replay-dead-letters" -> new ReplayDeadLettersCommand(out).run(rest);
        default -> throw new UsageException("unknown command \"" + cmd + "\"");
      };
    } catch (UsageException e) {
      err.println("mailtrace: " + e.getMessage());
      err.println("Run 'mailtrace help' for usage.");
      return USAGE;
    } catch (ConfigException e) {
      err.println("mailtrace: invalid configuration (" + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + "):");
      for (ConfigProblem p : e.problems()) {
        err.println("  - " + p);
      }
      return USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    } catch (Exception e) {
      LOG.debug("command {} failed", cmd, e);
      err.println("mailtrace: " + cmd + " failed: " + describe(e));
      return FAILED;
    }
  }

  /** One line for the terminal: the innermost useful message. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.util.concurrent.CompletionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
