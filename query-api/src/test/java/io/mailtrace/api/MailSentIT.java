package io.mailtrace.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.api.auth.Guards;
import io.mailtrace.api.auth.Role;
import io.mailtrace.api.testsupport.ApiHarness;
import io.mailtrace.api.testsupport.SeedData;
import io.mailtrace.api.testsupport.Seeder;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.DkimSignatureInfo;
import io.mailtrace.model.RecipientOutcome;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.TraceStatus;
import io.mailtrace.testkit.TestElasticsearch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Search, details, export, stats and tenant scope through the real HTTP API against a real Elasticsearch. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailSentIT {
  static final Instant END = Instant.parse("2026-01-10T00:00:00Z");
  static final Duration SPAN = Duration.ofDays(3);
  static final Map<String, String> RANGE = Map.of("from", END.minus(SPAN).toString(), "to", END.toString());

  ApiHarness api;
  List<TraceRecord> records;
  TraceRecord tricky;
  String admin;
  String support;
  String adminOfA;
  /** Sees every seeded domain without being audited (audit writes make each page slower). */
  String adminOfAll;

  @BeforeAll
  void seed() {
    String es = TestElasticsearch.url();
    Seeder seeder = new Seeder(es);
    seeder.installTemplate();
    records = new ArrayList<>(SeedData.generate("MS", 3000, END, SPAN, 42));
    // One record whose text would be a formula or break naive CSV.
    TraceRecord base = records.get(0);
    tricky = new TraceRecord("MSTRICKY0001", END.minusSeconds(30), "alice@a.example", "a.example", "alice@a.example",
        "=HYPERLINK(\"http://evil.test\")", "-2+3, \"quoted\"\nsecond line", "<tricky@a.example>", 10, "10.9.9.9", "h",
        base.tls(), TraceStatus.RELAYED, null, base.recipients(),
        List.of(new DkimSignatureInfo("mailtrace.net", "shared1", DkimKind.SHARED, "rsa-sha256", "relaxed/relaxed", List.of("from"))), null, "@node");
    records.add(tricky);
    seeder.index(records, 5000);
    // A write route for the guard test (the custom-DKIM routes use the same guards).
    ApiRoutes writeRoute = (v1, s) -> v1.post("/domains/:domain/things")
        .handler(Guards.requireWrite())
        .handler(Guards.requireDomainInScope("domain"))
        .handler(ctx -> ctx.response().setStatusCode(201).end());
    api = new ApiHarness(List.of(es), List.of(writeRoute));
    admin = api.token(Role.ADMIN);
    support = api.token(Role.SUPPORT);
    adminOfA = api.token(Role.DOMAIN_ADMIN, "a.example");
    adminOfAll = api.token(Role.DOMAIN_ADMIN, "a.example", "b.example", "c.example");
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** All pages of a search, in order. */
  List<JsonObject> searchAll(String token, Map<String, String> params, int size) {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    for (int guard = 0; guard < 10_000; guard++) {
      Map<String, String> q = new HashMap<>(params);
      q.put("size", Integer.toString(size));
      if (cursor != null) {
        q.put("cursor", cursor);
      }
      JsonObject page = api.getJson(token, "/api/v1/mail-sent", q);
      page.getJsonArray("items").forEach(o -> out.add((JsonObject) o));
      cursor = page.getString("next_cursor");
      if (cursor == null) {
        return out;
      }
    }
    throw new AssertionError("paging did not end");
  }

  static List<String> ids(List<JsonObject> items) {
    return items.stream().map(i -> i.getString("id")).toList();
  }

  /** Expected ids, newest first with id descending as tiebreaker. */
  List<String> expected(Predicate<TraceRecord> p) {
    return records.stream().filter(p)
        .sorted(Comparator.comparing(TraceRecord::timestamp).thenComparing(TraceRecord::id).reversed())
        .map(TraceRecord::id).toList();
  }

  static Map<String, String> q(String... kv) {
    Map<String, String> m = new LinkedHashMap<>(RANGE);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static boolean hasDkim(TraceRecord r, Predicate<DkimSignatureInfo> p) {
    return r.dkim().stream().anyMatch(p);
  }

  @Test
  void everyFilterAloneAndCombinedReturnsExactlyTheExpectedRecordsNewestFirst() {
    TraceRecord sample = records.get(123);
    String rcpt = sample.recipients().get(0).address();
    Instant mid = END.minus(Duration.ofHours(36));
    Map<Map<String, String>, Predicate<TraceRecord>> cases = new LinkedHashMap<>();
    cases.put(q(), r -> true);
    cases.put(q("domain", "b.example"), r -> r.domain().equals("b.example"));
    cases.put(q("domain", "B.Example"), r -> r.domain().equals("b.example"));
    cases.put(q("account", "bob@c.example"), r -> r.account().equals("bob@c.example"));
    cases.put(q("from", mid.toString()), r -> !r.timestamp().isBefore(mid));
    cases.put(Map.of("from", END.minus(SPAN).toString(), "to", mid.toString()), r -> r.timestamp().isBefore(mid));
    cases.put(Map.of("from", "2026-01-08", "to", "2026-01-08"),
        r -> !r.timestamp().isBefore(Instant.parse("2026-01-08T00:00:00Z")) && r.timestamp().isBefore(Instant.parse("2026-01-09T00:00:00Z")));
    // Whole months are searched as one index wildcard (2025.12.*, 2026.01.*).
    cases.put(Map.of("from", "2025-12-01", "to", "2026-01-31"), r -> true);
    cases.put(q("recipient", rcpt.toUpperCase(Locale.ROOT)), r -> r.recipientAddresses().contains(rcpt));
    cases.put(q("status", "deferred"), r -> r.status() == TraceStatus.DEFERRED);
    cases.put(q("message_id", sample.messageId()), r -> r.messageId().equals(sample.messageId()));
    cases.put(q("subject", "invoice weekly"), r -> {
      Set<String> words = new HashSet<>(List.of(r.subject().toLowerCase(Locale.ROOT).split("[^a-z0-9]+")));
      return words.contains("invoice") && words.contains("weekly");
    });
    cases.put(q("dkim_domain", "c.example"), r -> hasDkim(r, d -> d.domain().equals("c.example")));
    cases.put(q("dkim_selector", "mt260101"), r -> hasDkim(r, d -> d.selector().equals("mt260101")));
    cases.put(q("dkim_kind", "custom"), r -> hasDkim(r, d -> d.kind() == DkimKind.CUSTOM));
    cases.put(q("dkim_kind", "shared"), r -> hasDkim(r, d -> d.kind() == DkimKind.SHARED));
    // domain + selector must hold for the same signature: the shared one never has mt260101.
    cases.put(q("dkim_domain", "mailtrace.net", "dkim_selector", "mt260101"), r -> false);
    cases.put(q("client_ip", "10.0.2.3"), r -> r.clientIp().equals("10.0.2.3"));
    cases.put(q("client_ip", "10.0.1.0/24"), r -> r.clientIp().startsWith("10.0.1."));
    cases.put(q("domain", "a.example", "account", "alice@a.example", "status", "relayed", "dkim_kind", "custom"),
        r -> r.account().equals("alice@a.example") && r.status() == TraceStatus.RELAYED && hasDkim(r, d -> d.kind() == DkimKind.CUSTOM));
    cases.put(q("domain", "c.example", "recipient", rcpt, "client_ip", "10.0.0.0/23", "from", mid.toString()),
        r -> r.domain().equals("c.example") && r.recipientAddresses().contains(rcpt) && r.clientIp().matches("10\\.0\\.[01]\\..*") && !r.timestamp().isBefore(mid));
    cases.put(q("domain", "a.example", "dkim_domain", "a.example", "dkim_selector", "mt260100", "subject", "order"),
        r -> r.domain().equals("a.example") && hasDkim(r, d -> d.domain().equals("a.example") && d.selector().equals("mt260100"))
            && List.of(r.subject().toLowerCase(Locale.ROOT).split("[^a-z0-9]+")).contains("order"));
    cases.forEach((params, p) -> {
      List<String> want = expected(p);
      List<String> got = ids(searchAll(adminOfAll, params, 500));
      assertThat(got).as("filters %s", params).containsExactlyElementsOf(want);
    });
    // The combined cases are not vacuous.
    assertThat(expected(r -> r.account().equals("alice@a.example") && r.status() == TraceStatus.RELAYED
        && hasDkim(r, d -> d.kind() == DkimKind.CUSTOM))).isNotEmpty();
  }

  @Test
  void searchAnswerHasTheDocumentedShape() {
    JsonObject page = api.getJson(admin, "/api/v1/mail-sent", q("size", "3"));
    assertThat(page.getJsonObject("total").getLong("value")).isEqualTo(records.size());
    assertThat(page.getJsonObject("total").getString("relation")).isEqualTo("eq");
    JsonObject item = page.getJsonArray("items").getJsonObject(0);
    assertThat(item.fieldNames()).contains("id", "@timestamp", "account", "domain", "header_from", "recipients", "subject", "status", "dkim");
    assertThat(item.getJsonArray("dkim").getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("domain", "selector", "kind");
    assertThat(item.getJsonArray("recipients").getValue(0)).isInstanceOf(String.class);
    assertThat(page.getString("next_cursor")).isNotBlank();
    // Default range is the last 24 hours: the seeded (older) records are not in it.
    assertThat(api.getJson(admin, "/api/v1/mail-sent", Map.of()).getJsonArray("items")).isEmpty();
  }

  @Test
  void pagingAtSizeSevenYieldsEveryRecordExactlyOnce() {
    List<String> got = ids(searchAll(adminOfAll, RANGE, 7));
    assertThat(new HashSet<>(got)).hasSize(got.size());
    assertThat(got).containsExactlyElementsOf(expected(r -> true));
  }

  @Test
  void detailsShowTheWholeRecord() {
    TraceRecord r = records.get(7);
    JsonObject d = api.getJson(support, "/api/v1/mail-sent/" + r.id(), Map.of());
    assertThat(d.getString("id")).isEqualTo(r.id());
    assertThat(d.getJsonArray("dkim")).hasSize(r.dkim().size());
    JsonObject shared = d.getJsonArray("dkim").getJsonObject(r.dkim().size() - 1);
    assertThat(shared.getString("domain")).isEqualTo("mailtrace.net");
    assertThat(shared.getString("selector")).isEqualTo("shared1");
    assertThat(d.getJsonArray("recipients").getJsonObject(0).getString("response")).isEqualTo(r.recipients().get(0).response());
    assertThat(d.getLong("size_bytes")).isEqualTo(r.sizeBytes());
    assertThat(d.getString("client_ip")).isEqualTo(r.clientIp());
    assertThat(d.getString("node")).isEqualTo("node-1");
    assertThat(d.getJsonObject("tls").getBoolean("enabled")).isEqualTo(r.tls().enabled());
    HttpResponse<Buffer> missing = api.get(admin, "/api/v1/mail-sent/NOPE000000000000000000000", Map.of());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
  }

  @Test
  void domainAdminCannotReachAnotherDomainWhateverItSends() {
    List<String> ofA = expected(r -> r.domain().equals("a.example"));
    // search without a domain: only a.example
    assertThat(ids(searchAll(adminOfA, RANGE, 500))).containsExactlyElementsOf(ofA);
    // domain=b.example (any case): 403
    for (String d : List.of("b.example", "B.EXAMPLE", "b.example.")) {
      HttpResponse<Buffer> r = api.get(adminOfA, "/api/v1/mail-sent", q("domain", d));
      assertThat(r.statusCode()).as(d).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("forbidden");
      assertThat(api.get(adminOfA, "/api/v1/stats", q("domain", d)).statusCode()).isEqualTo(403);
      assertThat(api.get(adminOfA, "/api/v1/mail-sent/export.csv", q("domain", d)).statusCode()).isEqualTo(403);
    }
    // filters naming b.example in other fields still only see a.example records
    List<String> viaDkim = ids(searchAll(adminOfA, q("dkim_domain", "b.example"), 500));
    assertThat(viaDkim).isEmpty();
    List<String> viaAccount = ids(searchAll(adminOfA, q("account", "alice@b.example"), 500));
    assertThat(viaAccount).isEmpty();
    // a cursor taken from an admin's b.example search continues inside a.example only
    JsonObject bPage = api.getJson(admin, "/api/v1/mail-sent", q("domain", "b.example", "size", "5"));
    Map<String, String> withCursor = q("cursor", bPage.getString("next_cursor"), "size", "500");
    List<String> continued = ids(api.getJson(adminOfA, "/api/v1/mail-sent", withCursor).getJsonArray("items").stream().map(o -> (JsonObject) o).toList());
    assertThat(continued).isNotEmpty().allMatch(ofA::contains);
    // a forged cursor is refused
    HttpResponse<Buffer> forged = api.get(adminOfA, "/api/v1/mail-sent", q("cursor", "AAABjU5yAABCLmV4YW1wbGU.AAAAAAAAAAAAAAAAAAAAAA"));
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.bodyAsString()).contains("cursor");
    // ids copied from b.example: 404, exactly like a missing record
    List<TraceRecord> ofB = records.stream().filter(r -> r.domain().equals("b.example")).limit(20).toList();
    for (TraceRecord r : ofB) {
      HttpResponse<Buffer> resp = api.get(adminOfA, "/api/v1/mail-sent/" + r.id(), Map.of());
      assertThat(resp.statusCode()).isEqualTo(404);
      assertThat(resp.bodyAsString()).doesNotContain("b.example");
    }
    // stats count only a.example
    JsonObject stats = api.getJson(adminOfA, "/api/v1/stats", RANGE);
    assertThat(stats.getLong("total")).isEqualTo(ofA.size());
    stats.getJsonArray("top_accounts").forEach(o -> assertThat(((JsonObject) o).getString("account")).endsWith("@a.example"));
    // export only a.example rows
    String csv = api.get(adminOfA, "/api/v1/mail-sent/export.csv", RANGE).bodyAsString();
    List<String> exported = csv.lines().skip(1).filter(l -> l.startsWith("MS")).map(l -> l.substring(0, l.indexOf(','))).toList();
    assertThat(exported).containsExactlyElementsOf(ofA);
    assertThat(csv).doesNotContain("b.example").doesNotContain("c.example");
    // audit is for admins only
    assertThat(api.get(adminOfA, "/api/v1/audit", Map.of()).statusCode()).isEqualTo(403);
    assertThat(api.get(support, "/api/v1/audit", Map.of()).statusCode()).isEqualTo(403);
  }

  @Test
  void supportCannotReachWriteRoutes() {
    assertThat(api.send(HttpMethod.POST, support, "/api/v1/domains/a.example/things", Buffer.buffer("{}")).statusCode()).isEqualTo(403);
    assertThat(api.send(HttpMethod.POST, admin, "/api/v1/domains/a.example/things", Buffer.buffer("{}")).statusCode()).isEqualTo(201);
    assertThat(api.send(HttpMethod.POST, adminOfA, "/api/v1/domains/a.example/things", null).statusCode()).isEqualTo(201);
    assertThat(api.send(HttpMethod.POST, adminOfA, "/api/v1/domains/b.example/things", null).statusCode()).isEqualTo(403);
    assertThat(api.send(HttpMethod.POST, adminOfA, "/api/v1/domains/not_a_domain/things", null).statusCode()).isEqualTo(400);
    assertThat(api.send(HttpMethod.POST, null, "/api/v1/domains/a.example/things", null).statusCode()).isEqualTo(401);
  }

  @Test
  void exportIsRfc4180AndFormulaSafe() {
    HttpResponse<Buffer> r = api.get(support, "/api/v1/mail-sent/export.csv", q("domain", "a.example", "client_ip", "10.9.9.9"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/csv");
    String csv = r.bodyAsString();
    assertThat(csv).startsWith("id,timestamp,account,domain,envelope_from,header_from,subject,");
    assertThat(csv).contains("MSTRICKY0001,");
    assertThat(csv).contains(",\"'=HYPERLINK(\"\"http://evil.test\"\")\",");
    assertThat(csv).contains(",\"'-2+3, \"\"quoted\"\"\nsecond line\",");
    assertThat(csv).contains(",'@node\r\n");
    assertThat(csv.split("\r\n", -1)).hasSize(3); // header, one record (its inner LF is quoted), final empty
  }

  @Test
  void exportOfManyRowsMatchesTheSearch() {
    String csv = api.get(admin, "/api/v1/mail-sent/export.csv", q("domain", "c.example")).bodyAsString();
    List<String> got = csv.lines().skip(1).map(l -> l.substring(0, l.indexOf(','))).toList();
    assertThat(got).containsExactlyElementsOf(expected(r -> r.domain().equals("c.example")));
  }

  @Test
  void statsCountByStatusAndDkimKindAndTopAccounts() {
    JsonObject s = api.getJson(admin, "/api/v1/stats", q("domain", "b.example"));
    List<TraceRecord> ofB = records.stream().filter(r -> r.domain().equals("b.example")).toList();
    assertThat(s.getLong("total")).isEqualTo(ofB.size());
    for (TraceStatus st : TraceStatus.values()) {
      assertThat(s.getJsonObject("by_status").getLong(st.wireName())).isEqualTo(ofB.stream().filter(r -> r.status() == st).count());
    }
    long custom = ofB.stream().filter(r -> hasDkim(r, d -> d.kind() == DkimKind.CUSTOM)).count();
    assertThat(s.getJsonObject("by_dkim").getLong("custom")).isEqualTo(custom);
    assertThat(s.getJsonObject("by_dkim").getLong("shared_only")).isEqualTo(ofB.size() - custom);
    assertThat(s.getString("interval")).isEqualTo("30m"); // 3 days / 200 buckets
    JsonArray buckets = s.getJsonArray("over_time");
    assertThat(buckets.stream().mapToLong(o -> ((JsonObject) o).getLong("count")).sum()).isEqualTo(ofB.size());
    Map<String, Long> byAccount = ofB.stream().collect(Collectors.groupingBy(TraceRecord::account, Collectors.counting()));
    JsonObject top = s.getJsonArray("top_accounts").getJsonObject(0);
    assertThat(top.getLong("count")).isEqualTo(byAccount.values().stream().max(Long::compare).orElseThrow());
    assertThat(api.getJson(admin, "/api/v1/stats", Map.of("from", "2026-01-01", "to", "2026-01-31")).getString("interval")).isEqualTo("6h");
  }

  @Test
  void supportAndAdminReadsAreAuditedAndVisibleToAdmins() {
    String who = "support-auditor-" + System.nanoTime();
    String tok = api.tokens.issue(who, Role.SUPPORT, List.of(), Duration.ofMinutes(5));
    api.getJson(tok, "/api/v1/mail-sent", q("domain", "c.example", "status", "rejected", "size", "2"));
    api.getJson(tok, "/api/v1/mail-sent/" + records.get(3).id(), Map.of());
    api.get(tok, "/api/v1/mail-sent/export.csv", q("domain", "a.example", "client_ip", "10.9.9.9"));
    long wantRejected = records.stream().filter(r -> r.domain().equals("c.example") && r.status() == TraceStatus.REJECTED).count();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonArray items = new JsonArray();
    while (System.nanoTime() < deadline) {
      items = api.getJson(admin, "/api/v1/audit", Map.of("sub", who)).getJsonArray("items");
      if (items.size() >= 3) {
        break;
      }
      api.vertx.timer(200).toCompletionStage().toCompletableFuture().join();
    }
    assertThat(items).hasSize(3);
    Map<String, JsonObject> byRoute = items.stream().map(o -> (JsonObject) o).collect(Collectors.toMap(o -> o.getString("route"), o -> o));
    JsonObject search = byRoute.get("GET /api/v1/mail-sent");
    assertThat(search.getString("role")).isEqualTo("support");
    assertThat(search.getJsonArray("params").getList()).contains("domain=c.example", "status=rejected");
    assertThat(search.getLong("result_count")).isEqualTo(wantRejected);
    assertThat(byRoute.get("GET /api/v1/mail-sent/{id}").getJsonArray("params").getList()).contains("id=" + records.get(3).id());
    assertThat(byRoute.get("GET /api/v1/mail-sent/export.csv").getLong("result_count")).isEqualTo(1);
    assertThat(search.getString("@timestamp")).isNotBlank();
  }

  @Test
  void healthMetricsOpenApiAndUnknownRoutes() {
    assertThat(api.get(null, "/health", Map.of()).bodyAsJsonObject().getString("status")).isEqualTo("up");
    assertThat(api.get(null, "/metrics", Map.of()).bodyAsString()).contains("mailtrace_up 1");
    assertThat(api.get(null, "/api/openapi.yaml", Map.of()).bodyAsString()).startsWith("openapi: 3");
    HttpResponse<Buffer> unknown = api.get(admin, "/api/v1/nope", Map.of());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(api.get(null, "/api/v2/x", Map.of()).statusCode()).isEqualTo(404);
  }
}
