package io.mailtrace.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.api.auth.Role;
import io.mailtrace.api.auth.TokenIssuer;
import io.mailtrace.api.testsupport.ApiHarness;
import io.mailtrace.api.testsupport.ApiMain;
import io.mailtrace.api.testsupport.SeedData;
import io.mailtrace.api.testsupport.Seeder;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.testkit.TestElasticsearch;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Export of 100,000 rows streams in constant memory: the API runs in a child JVM whose heap
 * (48 MB, exit on OutOfMemoryError) is smaller than the CSV it sends (about 58 MB), so an
 * implementation that buffered the rows or ignored back-pressure could not finish.
 */
class ExportMemoryIT {
  static final int ROWS = 100_000;
  static final int HEAP_MB = 48;
  static final String HEAP = HEAP_MB + "m";
  static final Instant END = Instant.parse("2025-06-01T00:00:00Z");

  @Test
  void exportOf100kRowsStreamsWithABoundedHeap() throws Exception {
    String es = TestElasticsearch.url();
    Seeder seeder = new Seeder(es);
    seeder.installTemplate();
    String padding = " lorem ipsum dolor sit amet".repeat(11); // ~300 chars: rows of ~650 bytes
    List<TraceRecord> records = new ArrayList<>(ROWS);
    for (TraceRecord r : SeedData.generate("EX", ROWS, END, Duration.ofDays(2), 7)) {
      records.add(new TraceRecord(r.id(), r.timestamp(), r.account(), "big.example", r.envelopeFrom(), r.headerFrom(),
          r.subject() + padding, r.messageId(), r.sizeBytes(), r.clientIp(), r.clientHelo(), r.tls(), r.status(), null,
          r.recipients(), r.dkim(), null, r.node()));
    }
    seeder.index(records, 10_000);
    records = null; // let the test JVM drop them; only the child's heap matters

    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(java, "-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp", cp,
        "-Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory",
        ApiMain.class.getName(), es, ApiHarness.SECRET)
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      int port = -1;
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("PORT ")) {
          port = Integer.parseInt(line.substring(5).trim());
          break;
        }
        if (line.startsWith("FAILED")) {
          throw new AssertionError("child API failed: " + line);
        }
      }
      assertThat(port).as("child API port").isPositive();
      Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-output");
      drain.setDaemon(true);
      drain.start();

      String token = new TokenIssuer(ApiHarness.SECRET).issue("exporter", Role.ADMIN, List.of(), Duration.ofMinutes(30));
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/mail-sent/export.csv?domain=big.example&from="
              + END.minus(Duration.ofDays(2)) + "&to=" + END))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(10)).build();
      HttpResponse<InputStream> resp = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(resp.statusCode()).isEqualTo(200);
      long bytes = 0;
      long rows = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = resp.body()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          bytes += n;
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              rows++;
            }
          }
        }
      }
      assertThat(child.isAlive()).as("the API survived the export (no OutOfMemoryError)").isTrue();
      assertThat(rows).isEqualTo(ROWS + 1); // header + one line per record
      assertThat(bytes).as("the CSV is larger than the API's whole heap").isGreaterThan(HEAP_MB * 1024L * 1024L);
    } finally {
      child.destroy();
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }
}
