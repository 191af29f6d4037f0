package io.mailtrace.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceJsonTest {

  static TraceRecord sample() {
    return new TraceRecord(
        TraceIds.next(),
        Instant.parse("2026-11-28T10:15:30.123Z"),
        "alice@a.example",
        "a.example",
        "alice@a.example",
        "alice@a.example",
        "Quarterly report",
        "<123@a.example>",
        10240,
        "192.0.2.10",
        "client.a.example",
        new TlsInfo(true, "TLSv1.3", "TLS_AES_128_GCM_SHA256"),
        TraceStatus.PARTIAL,
        null,
        List.of(
            new RecipientOutcome("bob@b.example", RecipientStatus.RELAYED, "250 2.0.0 Ok", "127.0.0.1:2525"),
            new RecipientOutcome("carol@c.example", RecipientStatus.REJECTED, "550 5.1.1 No such user", "127.0.0.1:2525")),
        List.of(
            new DkimSignatureInfo("a.example", "mt2611281234", DkimKind.CUSTOM, "rsa-sha256", "relaxed/relaxed", List.of("from", "to", "subject")),
            new DkimSignatureInfo("platform.example", "shared1", DkimKind.SHARED, "rsa-sha256", "relaxed/relaxed", List.of("from", "to", "subject"))),
        null,
        "node-1");
  }

  @Test
  void roundTripKeepsEveryField() throws IOException {
    TraceRecord record = sample();
    assertThat(TraceJson.parse(TraceJson.toJson(record))).isEqualTo(record);
  }

  @Test
  void usesTheContractFieldNames() throws IOException {
    JsonNode node = TraceJson.mapper().readTree(TraceJson.toJson(sample()));
    assertThat(node.has("@timestamp")).isTrue();
    assertThat(node.get("@timestamp").asText()).isEqualTo("2026-11-28T10:15:30.123Z");
    assertThat(node.get("envelope_from").asText()).isEqualTo("alice@a.example");
    assertThat(node.get("size_bytes").asLong()).isEqualTo(10240);
    assertThat(node.get("status").asText()).isEqualTo("partial");
    assertThat(node.get("recipients").get(1).get("status").asText()).isEqualTo("rejected");
    assertThat(node.get("dkim").get(0).get("kind").asText()).isEqualTo("custom");
    assertThat(node.has("dkim_custom_skipped")).isFalse(); // nulls omitted
  }

  @Test
  void enumsRoundTripThroughTheirWireNames() throws IOException {
    TraceRecord skipped = new TraceRecord(TraceIds.next(), Instant.now(), "a", "a.example", null, null, null, null, 0,
        null, null, TlsInfo.NONE, TraceStatus.REJECTED, "550 5.7.1 From domain not allowed", List.of(), List.of(),
        CustomSkipReason.FROM_MISMATCH, "n");
    String json = TraceJson.toJson(skipped);
    assertThat(json).contains("\"dkim_custom_skipped\":\"from_mismatch\"");
    assertThat(TraceJson.parse(json)).isEqualTo(skipped);
  }

  @Test
  void rejectsFieldsOutsideTheContract() {
    assertThatThrownBy(() -> TraceJson.parse("{\"id\":\"x\",\"@timestamp\":\"2026-11-28T00:00:00Z\",\"status\":\"relayed\",\"size_bytes\":1,\"bogus\":1}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bogus");
  }

  @Test
  void templateIsStrictAndCoversEveryField() throws IOException {
    JsonNode template = TraceJson.mapper().readTree(TraceIndex.templateJson());
    JsonNode mappings = template.get("template").get("mappings");
    assertThat(mappings.get("dynamic").asText()).isEqualTo("strict");
    JsonNode doc = TraceJson.mapper().readTree(TraceJson.toJson(sample()));
    doc.fieldNames().forEachRemaining(f -> assertThat(mappings.get("properties").has(f)).as(f).isTrue());
    assertThat(TraceIndex.indexFor(Instant.parse("2026-11-28T23:59:59Z"))).isEqualTo("mailtrace-sent-2026.11.28");
    assertThat(TraceIndex.dayOf("mailtrace-sent-2026.11.28")).hasValueSatisfying(d -> assertThat(d.toString()).isEqualTo("2026-11-28"));
  }
}
