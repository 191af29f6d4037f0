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
  void theStreamingWriterWritesExactlyWhatTheMapperWrites() throws IOException {
    // A new record component must be added to the writer too: this count is the reminder.
    assertThat(TraceRecord.class.getRecordComponents()).hasSize(18);
    assertThat(TlsInfo.class.getRecordComponents()).hasSize(3);
    assertThat(RecipientOutcome.class.getRecordComponents()).hasSize(4);
    assertThat(DkimSignatureInfo.class.getRecordComponents()).hasSize(6);
    java.util.Random rnd = new java.util.Random(4);
    List<TraceRecord> records = new java.util.ArrayList<>(List.of(sample(), everyFieldSet()));
    for (int i = 0; i < 2000; i++) {
      records.add(randomRecord(rnd));
    }
    for (TraceRecord r : records) {
      byte[] expected = TraceJson.mapper().writeValueAsBytes(r);
      assertThat(new String(TraceJson.toBytes(r), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(new String(expected, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(TraceJson.parse(TraceJson.toBytes(r))).isEqualTo(r);
    }
  }

  static TraceRecord everyFieldSet() {
    return new TraceRecord("id-1", Instant.parse("2026-12-04T01:02:03Z"), "acc", "d.example", "e@d.example",
        "\"Zoë \\ \u0001\" <z@d.example>", "Grüße \u2028 \uD83D\uDE00 </script>", "<m@d>", Long.MAX_VALUE, "::1", "helo",
        new TlsInfo(false, "TLSv1.2", "C"), TraceStatus.DEFERRED, "451 4.4.1 x\r\ny",
        List.of(new RecipientOutcome("r@x", RecipientStatus.DEFERRED, "451", "h:25")),
        List.of(new DkimSignatureInfo("d", "s", DkimKind.SHARED, "rsa-sha256", "relaxed/relaxed", List.of())),
        CustomSkipReason.KEY_UNAVAILABLE, "n");
  }

  private static TraceRecord randomRecord(java.util.Random rnd) {
    java.util.function.Supplier<String> s = () -> randomText(rnd);
    List<RecipientOutcome> recipients = new java.util.ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      recipients.add(new RecipientOutcome(s.get(), rnd.nextBoolean() ? null : RecipientStatus.values()[rnd.nextInt(3)], s.get(), s.get()));
    }
    List<DkimSignatureInfo> dkim = new java.util.ArrayList<>();
    for (int i = rnd.nextInt(3); i > 0; i--) {
      dkim.add(new DkimSignatureInfo(s.get(), s.get(), rnd.nextBoolean() ? null : DkimKind.values()[rnd.nextInt(2)], s.get(), s.get(),
          rnd.nextBoolean() ? null : List.of("from", "to")));
    }
    return new TraceRecord(TraceIds.next(), Instant.ofEpochSecond(rnd.nextInt(2_000_000_000), rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(1_000_000_000)),
        s.get(), s.get(), s.get(), s.get(), s.get(), s.get(), rnd.nextLong(), s.get(), s.get(),
        rnd.nextBoolean() ? null : new TlsInfo(rnd.nextBoolean(), s.get(), s.get()),
        TraceStatus.values()[rnd.nextInt(4)], s.get(), recipients, dkim,
        rnd.nextBoolean() ? null : CustomSkipReason.values()[rnd.nextInt(4)], s.get());
  }

  /** Null a third of the time; otherwise text with quotes, escapes, controls and non-BMP characters. */
  private static String randomText(java.util.Random rnd) {
    if (rnd.nextInt(3) == 0) {
      return null;
    }
    String pool = "aZ9 @.<>\"\\/\u0000\u001f\u007f\u00e9\u2028\uD83D\uDE00\r\n\t";
    StringBuilder sb = new StringBuilder();
    for (int i = rnd.nextInt(12); i > 0; i--) {
      char c = pool.charAt(rnd.nextInt(pool.length()));
      if (Character.isHighSurrogate(c)) {
        sb.append("\uD83D\uDE00"); // never a lone surrogate
      } else if (!Character.isLowSurrogate(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
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
    // every trace index gets this template (and so the alias and the strict mapping)
    assertThat(template.get("index_patterns").get(0).asText()).isEqualTo(TraceIndex.PREFIX + "*");
    assertThat(TraceIndex.indexFor(Instant.parse("2026-11-28T23:59:59Z"))).startsWith(TraceIndex.PREFIX);
  }
}
