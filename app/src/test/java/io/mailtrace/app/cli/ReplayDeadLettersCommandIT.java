package io.mailtrace.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtrace.app.Main;
import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.RecipientStatus;
import io.mailtrace.model.TlsInfo;
import io.mailtrace.model.TraceIds;
import io.mailtrace.model.TraceIndex;
import io.mailtrace.model.TraceJson;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.testkit.TestElasticsearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailtrace replay-dead-letters} end to end against the real (shared) Elasticsearch. */
class ReplayDeadLettersCommandIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpResponse<String> es(String method, String url, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static TraceRecord record(Instant at, String ip) {
    return new TraceRecord(new TraceIds(new SecureRandom()).nextId(at.toEpochMilli()), at, "acct-1", "a.example",
        "alice@a.example", "Alice <alice@a.example>", "Invoice", "<replay." + System.nanoTime() + "@a.example>", 2048, ip,
        "mx.a.example", new TlsInfo(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256"), TraceStatus.RELAYED, null,
        List.of(new RecipientOutcome("bob@b.example", RecipientStatus.RELAYED, "250 2.0.0 Ok", "127.0.0.1:2525")),
        List.of(), null, "node-1");
  }

  private static String letter(TraceRecord r, String ip) throws Exception {
    ObjectNode n = TraceJson.mapper().createObjectNode();
    n.put("at", Instant.now().toString());
    n.put("position", "0:0");
    n.put("reason", "HTTP 400 document_parsing_exception: failed to parse field [client_ip]");
    n.put("line", TraceJson.toJson(r).replace("\"192.0.2.9\"", "\"" + ip + "\""));
    return TraceJson.mapper().writeValueAsString(n);
  }

  @Test
  void replaysFixedRecordsOnceAndKeepsTheOnesThatStillFail() throws Exception {
    String url = TestElasticsearch.url();
    assertThat(es("PUT", url + "/_index_template/" + TraceIndex.TEMPLATE_NAME, TraceIndex.templateJson()).statusCode()).isEqualTo(200);
    Instant at = Instant.parse("2027-06-01T10:00:00Z");
    TraceRecord fixable = record(at, "192.0.2.9");
    TraceRecord other = record(at.plusSeconds(1), "192.0.2.9");
    Path file = dir.resolve("dead-letters.ndjson");
    Files.writeString(file, letter(fixable, "not-an-ip") + "\n" + letter(other, "192.0.2.9") + "\n");

    MainTest.Result first = MainTest.run("replay-dead-letters", "--file", file.toString(), "--es", url);
    assertThat(first.rc()).as(first.err()).isEqualTo(Main.FAILED);
    assertThat(first.out()).contains("indexed 1, duplicate 0, still failing 1");
    List<String> kept = Files.readAllLines(file);
    assertThat(kept).hasSize(1);
    JsonNode still = TraceJson.mapper().readTree(kept.get(0));
    assertThat(still.path("reason").asText()).contains("HTTP 400").contains("client_ip");

    // the operator fixes the record in the file and runs the tool again
    Files.writeString(file, kept.get(0).replace("not-an-ip", "192.0.2.10") + "\n");
    MainTest.Result second = MainTest.run("replay-dead-letters", "--file", file.toString(), "--es", url);
    assertThat(second.rc()).as(second.err()).isEqualTo(Main.OK);
    assertThat(second.out()).contains("indexed 1, duplicate 0, still failing 0");
    assertThat(Files.readString(file)).isEmpty();

    // replaying an already indexed record again changes nothing
    Files.writeString(file, letter(other, "192.0.2.9") + "\n");
    MainTest.Result third = MainTest.run("replay-dead-letters", "--file", file.toString(), "--es", url);
    assertThat(third.out()).contains("indexed 0, duplicate 1, still failing 0");
    // the same, with the file and the URL taken from the configuration
    Files.writeString(dir.resolve("dead-letter.ndjson"), letter(other, "192.0.2.9") + "\n");
    Path config = Files.writeString(dir.resolve("mailtrace.yaml"),
        "data_dir: " + dir + "\nelasticsearch:\n  url: \"" + url + "\"\ningest:\n  dead_letter_file: dead-letter.ndjson\n");
    MainTest.Result fromConfig = MainTest.run("replay-dead-letters", "--config", config.toString());
    assertThat(fromConfig.rc()).as(fromConfig.err()).isEqualTo(Main.OK);
    assertThat(fromConfig.out()).contains("indexed 0, duplicate 1, still failing 0");
    String index = TraceIndex.indexFor(at);
    es("POST", url + "/" + index + "/_refresh", null);
    JsonNode count = TraceJson.mapper().readTree(es("GET", url + "/" + index + "/_count", null).body());
    assertThat(count.path("count").asLong()).isEqualTo(2);
    JsonNode doc = TraceJson.mapper().readTree(es("GET", url + "/" + index + "/_doc/" + fixable.id(), null).body());
    assertThat(doc.path("_source").path("client_ip").asText()).isEqualTo("192.0.2.10");
  }

  @Test
  void mistakesAreUsageErrors() throws Exception {
    Path existing = Files.writeString(dir.resolve("letters.ndjson"), "");
    for (String[] args : List.of(
        new String[] {"replay-dead-letters"},
        new String[] {"replay-dead-letters", "--file", dir.resolve("absent.ndjson").toString()},
        new String[] {"replay-dead-letters", "--file", existing.toString(), "--es", "es01:9200"},
        new String[] {"replay-dead-letters", "--file", existing.toString(), "extra"},
        new String[] {"replay-dead-letters", "--fil", "x"})) {
      MainTest.Result r = MainTest.run(args);
      assertThat(r.rc()).as(String.join(" ", args)).isEqualTo(Main.USAGE);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("mailtrace: ").doesNotContain("Exception", "\tat ");
      assertThat(r.err().lines().count()).isEqualTo(2);
    }
  }
}
