package io.mailtrace.app.dev;

import io.mailtrace.app.cli.Args;
import io.mailtrace.app.cli.Tokens;
import io.mailtrace.app.cli.UsageException;
import io.mailtrace.app.config.ConfigLoader;
import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.app.wiring.Foreground;
import io.mailtrace.app.wiring.MailtraceNode;
import io.mailtrace.app.wiring.ModuleWiring;
import io.mailtrace.app.wiring.VertxRuntime;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mailtrace dev}: everything on one machine, in the foreground. Creates the data directory
 * and its secrets once, starts (or reuses) a local Elasticsearch, a capture next hop and every
 * role in this process, prints how to use it, and on Ctrl-C stops all it started.
 */
public final class DevCommand {
  public static final int DEFAULT_SMTP_PORT = 2525;
  public static final int DEFAULT_HTTP_PORT = 8025;

  private final PrintStream out;
  private final PrintStream err;

  public DevCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public int run(List<String> argv) throws Exception {
    Args a = Args.parse(argv, Set.of("data-dir", "smtp-port", "http-port", "es-url"), Set.of());
    if (!a.positional().isEmpty()) {
      throw new UsageException("dev: unexpected argument \"" + a.positional().get(0) + "\"");
    }
    int smtpPort = a.port("smtp-port", DEFAULT_SMTP_PORT, false);
    int httpPort = a.port("http-port", DEFAULT_HTTP_PORT, false);
    String esUrl = a.get("es-url");
    if (esUrl != null && !esUrl.matches("https?://[^/\\s]+/?")) {
      throw new UsageException("dev: --es-url: expected http://host:port, got \"" + esUrl + "\"");
    }
    DevPaths paths = DevPaths.of(a.get("data-dir"));
    Files.createDirectories(paths.dataDir());
    // Elasticsearch may run as another user (when we are root): it must reach its own directory.
    DevSecrets.setMode(paths.dataDir(), "rwxr-xr-x");
    DevSecrets.DemoAccount demo = new DevSecrets(paths).ensure();

    DevElasticsearch es = null;
    VertxRuntime rt = null;
    CaptureSmtpServer capture = null;
    MailtraceNode node = null;
    try {
      if (esUrl == null) {
        err.println("mailtrace dev: starting Elasticsearch (data in " + paths.elasticsearch() + ") ...");
        es = DevElasticsearch.startOrReuse(paths);
        esUrl = es.url();
      }
      rt = VertxRuntime.create(true);
      capture = new CaptureSmtpServer(rt.vertx(), paths.outbox());
      int capturePort = Foreground.await(capture.start(0), Duration.ofSeconds(30));
      MailtraceConfig config = ConfigLoader.load(null, Map.of(), overrides(paths, esUrl, smtpPort, httpPort, capturePort));
      ModuleWiring modules = new ModuleWiring(rt.vertx(), config, rt.registry(), rt::scrape);
      DevAccounts.ensure(paths.accounts(), demo);
      node = new MailtraceNode(rt.vertx(), config, modules);
      Foreground.await(node.start(), Duration.ofMinutes(5));
      TlsWarmup.run("127.0.0.1", smtpPort);
      printBanner(paths, demo, smtpPort, httpPort, esUrl, es);
    } catch (Exception e) {
      stopAll(node, capture, rt, es);
      throw e;
    }
    MailtraceNode n = node;
    CaptureSmtpServer c = capture;
    VertxRuntime r = rt;
    DevElasticsearch e = es;
    Foreground.runUntilStopped(() -> {
      Future<Void> f = Future.future(p -> {
        stopAll(n, c, r, e);
        p.complete();
      });
      return f;
    });
    return 0;
  }

  static Map<String, String> overrides(DevPaths paths, String esUrl, int smtpPort, int httpPort, int capturePort) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("node.name", "dev");
    o.put("roles", "signer,ingest,api");
    o.put("data_dir", paths.dataDir().toString());
    o.put("elasticsearch.url", esUrl);
    o.put("signer.listen.host", "127.0.0.1");
    o.put("signer.listen.port", Integer.toString(smtpPort));
    o.put("signer.instances", "1");
    o.put("signer.hostname", "localhost");
    o.put("signer.tls.cert_file", paths.tlsCert().toString());
    o.put("signer.tls.key_file", paths.tlsKey().toString());
    o.put("signer.accounts_file", paths.accounts().toString());
    o.put("signer.shared_key.domain", DevSecrets.SHARED_DOMAIN);
    o.put("signer.shared_key.selector", DevSecrets.SHARED_SELECTOR);
    o.put("signer.shared_key.private_key_file", paths.sharedDkimKey().toString());
    o.put("signer.relay.host", "127.0.0.1");
    o.put("signer.relay.port", Integer.toString(capturePort));
    o.put("api.listen.host", "127.0.0.1");
    o.put("api.listen.port", Integer.toString(httpPort));
    o.put("api.jwt_secret_file", paths.jwtSecret().toString());
    o.put("keys.master_key_file", paths.masterKey().toString());
    o.put("keys.refresh_interval", "2s");
    return o;
  }

  private void printBanner(DevPaths paths, DevSecrets.DemoAccount demo, int smtpPort, int httpPort, String esUrl,
      DevElasticsearch es) throws java.io.IOException {
    String token = Tokens.issue(Files.readString(paths.jwtSecret()).trim(), "dev", "admin", List.of(), Duration.ofDays(30));
    String swaks = "swaks --server 127.0.0.1:" + smtpPort + " --tls --auth PLAIN --auth-user " + demo.user()
        + " --auth-password '" + demo.password() + "' --from " + demo.user() + " --to someone@example.net"
        + " --header 'Subject: Hello from Mailtrace'";
    out.println();
    out.println("Mailtrace dev is running (data: " + paths.dataDir() + ")");
    out.println();
    out.println("  SMTP        127.0.0.1:" + smtpPort + "   (STARTTLS with a self-signed certificate, then AUTH PLAIN/LOGIN)");
    out.println("  user        " + demo.user());
    out.println("  password    " + demo.password());
    out.println("  Web UI      http://127.0.0.1:" + httpPort + "/#token=" + token);
    out.println("  API token   " + token);
    out.println("  Elastic     " + esUrl + (es != null && !es.startedHere() ? " (already running, reused)" : ""));
    out.println("  Outbox      " + paths.outbox() + "   (every relayed message, signed, as .eml)");
    out.println("  DKIM        d=" + DevSecrets.SHARED_DOMAIN + " s=" + DevSecrets.SHARED_SELECTOR + " (DNS record in " + paths.sharedDkimRecord() + ")");
    out.println();
    out.println("Send a first message:");
    out.println("  " + swaks);
    out.println();
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  /** Best effort, in reverse order of start: the node (SMTP first), the capture hop, Vert.x, Elasticsearch. */
  private static void stopAll(MailtraceNode node, CaptureSmtpServer capture, VertxRuntime rt, DevElasticsearch es) {
    try {
      if (node != null) {
        Foreground.await(node.stop(), Duration.ofSeconds(60));
      }
      if (capture != null) {
        Foreground.await(capture.stop(), Duration.ofSeconds(10));
      }
      if (rt != null) {
        Foreground.await(rt.vertx().close(), Duration.ofSeconds(30));
      }
    } catch (Exception ex) {
      org.slf4j.LoggerFactory.getLogger(DevCommand.class).warn("stopping: {}", ex.getMessage());
    } finally {
      if (es != null) {
        es.close();
      }
    }
  }
}
