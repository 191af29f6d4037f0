package io.mailtrace.app.cli;

import io.mailtrace.app.config.ConfigLoader;
import io.mailtrace.app.config.MailtraceConfig;
import io.mailtrace.ingest.DeadLetterReplay;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mailtrace replay-dead-letters --file F [--es URL] [--config FILE]}: re-indexes the (fixed)
 * records of an ingest dead-letter file, idempotently by id; the letters that still fail stay in
 * the file. With {@code --config}, the file and the URL default to {@code ingest.dead_letter_file}
 * and {@code elasticsearch.url}. Exit 0 when none is left, 1 when some still fail.
 */
public final class ReplayDeadLettersCommand {
  static final String DEFAULT_ES = "http://127.0.0.1:9200";

  private final PrintStream out;

  public ReplayDeadLettersCommand(PrintStream out) {
    this.out = out;
  }

  public int run(List<String> argv) throws Exception {
    Args a = Args.parse(argv, Set.of("file", "es", "config"), Set.of());
    if (!a.positional().isEmpty()) {
      throw new UsageException("replay-dead-letters: unexpected argument \"" + a.positional().get(0) + "\"");
    }
    String file = a.get("file");
    String es = a.get("es");
    if (a.has("config")) {
      MailtraceConfig c = ConfigLoader.loadUnvalidated(Path.of(a.get("config")), System.getenv(), Map.of());
      file = file != null ? file : c.ingest().deadLetterFile() == null ? null : c.ingest().deadLetterFile().toString();
      es = es != null ? es : c.elasticsearch().url();
    }
    if (file == null) {
      throw new UsageException("replay-dead-letters: --file is required (the ingest dead-letter file), or --config");
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new UsageException("replay-dead-letters: --file " + file + ": no such file");
    }
    es = es == null ? DEFAULT_ES : es;
    if (!es.startsWith("http://") && !es.startsWith("https://")) {
      throw new UsageException("replay-dead-letters: --es: expected an http(s) URL, got \"" + es + "\"");
    }
    DeadLetterReplay.Report r = new DeadLetterReplay(es, Clock.systemUTC()).replay(path);
    out.println("indexed " + r.indexed() + ", duplicate " + r.duplicates() + ", still failing " + r.stillFailing()
        + (r.stillFailing() > 0 ? " (kept in " + path + " with their reasons)" : ""));
    return r.stillFailing() == 0 ? 0 : 1;
  }
}
