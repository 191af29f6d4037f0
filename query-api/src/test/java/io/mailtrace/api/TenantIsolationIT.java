package io.mailtrace.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.api.auth.Role;
import io.mailtrace.api.dkim.DkimRoutes;
import io.mailtrace.api.dkim.FakeKeyService;
import io.mailtrace.api.testsupport.ApiHarness;
import io.mailtrace.api.testsupport.SeedData;
import io.mailtrace.api.testsupport.Seeder;
import io.mailtrace.model.TraceRecord;
import io.mailtrace.model.keys.CheckOutcome;
import io.mailtrace.model.keys.DkimKeyService;
import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.testkit.TestElasticsearch;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tenant isolation under randomized input: a domain-admin of a.example throws random parameter
 * combinations (every filter, valid and invalid values, b.example in mixed case and with a
 * trailing dot, ids of b/c records, cursors from a b.example or admin session, forged and
 * tampered cursors) at every route the OpenAPI document lists, against the real Elasticsearch
 * seeded with a, b and c records. Nothing of b or c may come back; every status is one the
 * document lists for the route (never 5xx). Reproduce a failure with
 * {@code -Dmailtrace.isolation.seed=<seed printed in the failure>}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationIT {
  static final long SEED = Long.getLong("mailtrace.isolation.seed", 20261128L);
  static final int REQUESTS = 400;
  static final Instant END = Instant.parse("2025-06-01T00:00:00Z");
  static final Duration SPAN = Duration.ofDays(2);
  static final String OWN = "a.example";
  static final Pattern FOREIGN = Pattern.compile("[bc]\\.example", Pattern.CASE_INSENSITIVE);
  static final Pattern SEEDED_ID = Pattern.compile("TI\\d{9}");

  ApiHarness api;
  String own;
  Set<String> ownIds = new TreeSet<>();
  List<String> foreignIds = new ArrayList<>();
  List<String> foreignCursors = new ArrayList<>();
  List<String> foreignMessageIds = new ArrayList<>();
  final List<String> keyServiceCalls = new CopyOnWriteArrayList<>();
  Map<String, Set<Integer>> documented;

  /** The key service the routes reach, recording every domain it is asked about. */
  final class RecordingKeys implements DkimKeyService {
    final FakeKeyService fake = new FakeKeyService();

    private <T> Future<T> call(String what, String domain, Function<String, Future<T>> f) {
      keyServiceCalls.add(what + " " + domain);
      return f.apply(domain);
    }

    public Future<DkimKeyView> view(String d) {
      return call("view", d, fake::view);
    }

    public Future<DkimKeyView> activate(String d) {
      return call("activate", d, fake::activate);
    }

    public Future<CheckOutcome> checkNow(String d) {
      return call("check", d, fake::checkNow);
    }

    public Future<Void> disable(String d) {
      return call("disable", d, fake::disable);
    }
  }

  @BeforeAll
  void seed() {
    String es = TestElasticsearch.url();
    Seeder seeder = new Seeder(es);
    seeder.installTemplate();
    List<TraceRecord> records = SeedData.generate("TI", 300, END, SPAN, 8);
    seeder.index(records, 1000);
    for (TraceRecord r : records) {
      if (r.domain().equals(OWN)) {
        ownIds.add(r.id());
      } else {
        foreignIds.add(r.id());
        foreignMessageIds.add(r.messageId());
      }
    }
    RecordingKeys keys = new RecordingKeys();
    for (String d : SeedData.DOMAINS) {
      keys.fake.activate(d); // every tenant has a pending key (directly, not through the recorder)
    }
    api = new ApiHarness(List.of(es), List.of(new DkimRoutes(keys)));
    own = api.token(Role.DOMAIN_ADMIN, OWN);
    // Cursors a b.example domain-admin and an admin were given, positioned on foreign records.
    Map<String, String> window = Map.of("from", END.minus(SPAN).toString(), "to", END.toString(), "size", "3");
    for (String t : List.of(api.token(Role.DOMAIN_ADMIN, "b.example"), api.token(Role.DOMAIN_ADMIN, "c.example"),
        api.token(Role.ADMIN))) {
      String c = api.getJson(t, "/api/v1/mail-sent", window).getString("next_cursor");
      assertThat(c).isNotNull();
      foreignCursors.add(c);
    }
    documented = OpenApiTest.documentedStatuses(api.get(null, "/api/openapi.yaml", Map.of()).bodyAsString());
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** A request this test sends: method, path and raw (unencoded) query parameters in order. */
  record Req(HttpMethod method, String route, String path, List<Map.Entry<String, String>> query, boolean namesForeign) {
    String uri() {
      StringBuilder sb = new StringBuilder(ApiRouter.V1).append(path);
      char sep = '?';
      for (var e : query) {
        sb.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        sep = '&';
      }
      return sb.toString();
    }

    /** Everything the client put in the request: an error message may echo it back. */
    List<String> inputs() {
      List<String> out = new ArrayList<>();
      for (String seg : path.split("/")) {
        out.add(seg);
      }
      query.forEach(e -> out.add(e.getValue()));
      List<String> more = new ArrayList<>();
      for (String s : out) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        more.add(n.endsWith(".") ? n.substring(0, n.length() - 1) : n);
      }
      out.addAll(more);
      out.removeIf(String::isEmpty);
      out.sort((x, y) -> y.length() - x.length());
      return out;
    }

    @Override
    public String toString() {
      return method + " " + uri();
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void randomizedRequestsOfADomainAdminNeverSeeAnotherTenant() {
    System.out.println("TenantIsolationIT seed " + SEED + " (-Dmailtrace.isolation.seed=" + SEED + " reproduces)");
    Map<String, Function<Random, Req>> generators = new TreeMap<>();
    generators.put("GET /mail-sent", r -> filters(r, "GET /mail-sent", "/mail-sent", true));
    generators.put("GET /mail-sent/export.csv", r -> filters(r, "GET /mail-sent/export.csv", "/mail-sent/export.csv", false));
    generators.put("GET /stats", r -> filters(r, "GET /stats", "/stats", false));
    generators.put("GET /mail-sent/{id}", this::details);
    generators.put("GET /audit", this::audit);
    generators.put("GET /domains/{domain}/dkim", r -> dkim(r, HttpMethod.GET, ""));
    generators.put("POST /domains/{domain}/dkim", r -> dkim(r, HttpMethod.POST, ""));
    generators.put("DELETE /domains/{domain}/dkim", r -> dkim(r, HttpMethod.DELETE, ""));
    generators.put("POST /domains/{domain}/dkim/check", r -> dkim(r, HttpMethod.POST, "/check"));
    // A route added to the API (and its document) without a generator here fails this test.
    assertThat(generators.keySet()).as("routes in the OpenAPI document").isEqualTo(documented.keySet());

    Random rnd = new Random(SEED);
    List<String> routes = new ArrayList<>(generators.keySet());
    Map<String, Map<Integer, Integer>> seen = new TreeMap<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      String route = routes.get(i < routes.size() ? i : rnd.nextInt(routes.size()));
      Req req = generators.get(route).apply(rnd);
      HttpResponse<Buffer> resp = ApiHarness.await(api.client.request(req.method(), api.port, "127.0.0.1", req.uri())
          .putHeader("Authorization", "Bearer " + own).timeout(120_000).send());
      try {
        check(req, resp);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + SEED + ", request #" + i + ": " + req + " -> " + resp.statusCode() + " "
            + abbreviate(resp.bodyAsString()) + "\n" + e.getMessage(), e);
      }
      seen.computeIfAbsent(route, k -> new TreeMap<>()).merge(resp.statusCode(), 1, Integer::sum);
    }
    System.out.printf("TenantIsolationIT: %d requests in %d ms; statuses per route: %s%n", REQUESTS,
        Duration.ofNanos(System.nanoTime() - t0).toMillis(), seen);
    assertThat(keyServiceCalls).as("the key service is only ever asked about the caller's domain")
        .allSatisfy(c -> assertThat(c).endsWith(" " + OWN));
    // the run reached real data, not only refusals
    assertThat(seen.get("GET /mail-sent")).containsKey(200);
    assertThat(seen.get("GET /mail-sent/export.csv")).containsKey(200);
    assertThat(seen.get("GET /stats")).containsKey(200);
    assertThat(seen.get("GET /mail-sent/{id}")).containsKeys(200, 404);
  }

  private void check(Req req, HttpResponse<Buffer> resp) {
    int status = resp.statusCode();
    String body = resp.body() == null ? "" : resp.bodyAsString();
    assertThat(status).as("status").isLessThan(500);
    assertThat(documented.get(req.route())).as("documented statuses of %s", req.route()).contains(status);
    if (req.namesForeign() && req.route().startsWith("GET /domains")) {
      assertThat(status).as("reading another tenant's key looks like absent").isIn(400, 404);
    } else if (req.namesForeign() && req.route().contains("/domains/")) {
      assertThat(status).as("writing another tenant's key").isIn(400, 403);
    } else if (req.namesForeign() && req.route().equals("GET /mail-sent/{id}")) {
      assertThat(status).as("another tenant's record looks like absent").isIn(400, 404);
    } else if (req.namesForeign()) {
      assertThat(status).as("naming another tenant's domain").isIn(400, 403);
    }
    if (status >= 400) {
      JsonObject err = new JsonObject(body).getJsonObject("error");
      assertThat(err.getString("code")).isNotBlank();
      // An error message may quote the request; beyond that it must not name anything foreign.
      String scrubbed = body;
      for (String in : req.inputs()) {
        scrubbed = Pattern.compile(Pattern.quote(in), Pattern.CASE_INSENSITIVE).matcher(scrubbed).replaceAll("<input>");
      }
      assertNothingForeign(scrubbed);
      return;
    }
    assertNothingForeign(body);
    Matcher ids = SEEDED_ID.matcher(body);
    while (ids.find()) {
      assertThat(ownIds).as("record id in a 2xx answer").contains(ids.group());
    }
    if (req.route().equals("GET /mail-sent")) {
      new JsonObject(body).getJsonArray("items")
          .forEach(o -> assertThat(((JsonObject) o).getString("domain")).isEqualTo(OWN));
    } else if (req.route().equals("GET /mail-sent/{id}")) {
      assertThat(new JsonObject(body).getString("domain")).isEqualTo(OWN);
    } else if (req.route().startsWith("GET /domains")) {
      assertThat(new JsonObject(body).getString("domain")).isEqualTo(OWN);
    }
  }

  private static void assertNothingForeign(String text) {
    Matcher m = FOREIGN.matcher(text);
    assertThat(m.find()).as("another tenant's domain in the answer%s", m.hitEnd() ? "" : " at " + m.start()).isFalse();
  }

  // ---- request generators ---------------------------------------------------------------

  static final List<String> OWN_DOMAINS = List.of("a.example", "A.EXAMPLE", "a.example.", "A.Example.");
  static final List<String> FOREIGN_DOMAINS = List.of("b.example", "B.EXAMPLE", "b.example.", "B.Example.", "c.example",
      "C.example.", " b.example", "b.EXAMPLE ");
  static final List<String> BAD_DOMAINS = List.of("", "b_example", "b..example", "*.example", "b.example..", "-b.example",
      "b.example/..", "x".repeat(300));

  private Req filters(Random r, String route, String path, boolean paging) {
    List<Map.Entry<String, String>> q = new ArrayList<>();
    boolean foreign = false;
    if (r.nextInt(6) != 0) {
      q.add(Map.entry("from", valid(r) ? pick(r, END.minus(SPAN).toString(), "2025-05-30", "2025-05-30T00:00:00+02:00")
          : pick(r, "yesterday", "2025-13-01", "0000-01-01", "+99999-01-01T00:00:00Z", "2025-06-02")));
      q.add(Map.entry("to", valid(r) ? pick(r, END.toString(), "2025-06-01", "2025-05-31T12:00:00Z")
          : pick(r, "not-a-date", "2025-05-29", "")));
    }
    int n = r.nextInt(4);
    for (int k = 0; k < n; k++) {
      boolean ok = valid(r);
      switch (r.nextInt(13)) {
        case 0 -> {
          boolean theirs = r.nextInt(3) == 0;
          foreign |= theirs;
          q.add(Map.entry("domain", pick(r, theirs ? FOREIGN_DOMAINS : ok ? OWN_DOMAINS : BAD_DOMAINS)));
        }
        case 1 -> q.add(Map.entry("account", ok ? pick(r, "alice@a.example", "BOB@A.EXAMPLE", "bob@b.example", "CAROL@C.EXAMPLE")
            : pick(r, "*@b.example", "bob@", "", "alice@b.example.")));
        case 2 -> q.add(Map.entry("recipient", ok ? pick(r, "user1@rcpt0.test", "user2@rcpt1.test", "x@b.example") : pick(r, "bad", "")));
        case 3 -> q.add(Map.entry("status", ok ? pick(r, "relayed", "rejected", "deferred", "partial") : pick(r, "RELAYED!", "bogus", "")));
        case 4 -> q.add(Map.entry("message_id", ok ? pick(r, foreignMessageIds.get(r.nextInt(foreignMessageIds.size())), "<none@a.example>")
            : pick(r, "a b", "")));
        case 5 -> q.add(Map.entry("subject", ok ? pick(r, "invoice", "weekly report", "b.example", "#1") : pick(r, "\u0001", "x".repeat(600))));
        case 6 -> q.add(Map.entry("dkim_domain", ok ? pick(r, "a.example", "b.example", "C.EXAMPLE.", "mailtrace.net") : "bad_domain"));
        case 7 -> q.add(Map.entry("dkim_selector", ok ? pick(r, "mt260100", "mt260101", "shared1") : pick(r, "bad selector!", "")));
        case 8 -> q.add(Map.entry("dkim_kind", ok ? pick(r, "custom", "shared") : pick(r, "CUSTOMS", "other")));
        case 9 -> q.add(Map.entry("client_ip", ok ? pick(r, "10.0.1.0/24", "10.0.0.1", "10.0.0.0/8", "::1") : pick(r, "999.1.1.1", "10.0.0.0/99")));
        case 10 -> q.add(Map.entry(paging ? "size" : "page", ok ? pick(r, "1", "50", "500") : pick(r, "0", "501", "abc")));
        case 11 -> q.add(Map.entry("cursor", cursor(r)));
        default -> q.add(Map.entry(pick(r, "tenant", "domains", "scope", "Domain", "index"), pick(r, "b.example", "*", "_all")));
      }
    }
    if (r.nextInt(15) == 0 && !q.isEmpty()) {
      q.add(q.get(r.nextInt(q.size()))); // a parameter given twice
    }
    return new Req(HttpMethod.GET, route, path, q, foreign);
  }

  /** Mostly valid values, so that many requests reach Elasticsearch and answer 200. */
  private static boolean valid(Random r) {
    return r.nextInt(6) != 0;
  }

  private String cursor(Random r) {
    String c = foreignCursors.get(r.nextInt(foreignCursors.size()));
    return switch (r.nextInt(6)) {
      case 0, 1 -> c;
      case 2 -> tamper(r, c);
      case 3 -> c.substring(0, c.indexOf('.')) + "." + "AAAAAAAAAAAAAAAAAAAAAA";
      case 4 -> pick(r, "", ".", "a.b", "x".repeat(300), "TI000000001");
      default -> java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(("\0\0\1\0\0\0\0\0" + foreignIds.get(r.nextInt(foreignIds.size()))).getBytes(StandardCharsets.UTF_8))
          + ".AAAAAAAAAAAAAAAAAAAAAA";
    };
  }

  private static String tamper(Random r, String c) {
    char[] a = c.toCharArray();
    int i = r.nextInt(a.length);
    a[i] = a[i] == 'A' ? 'B' : 'A';
    return new String(a);
  }

  private Req details(Random r) {
    String id;
    boolean foreign = false;
    switch (r.nextInt(6)) {
      case 0, 1 -> {
        id = foreignIds.get(r.nextInt(foreignIds.size()));
        foreign = true;
      }
      case 2 -> {
        id = foreignIds.get(r.nextInt(foreignIds.size())).toLowerCase(Locale.ROOT);
        foreign = true;
      }
      case 3 -> id = new ArrayList<>(ownIds).get(r.nextInt(ownIds.size()));
      case 4 -> id = pick(r, "TI999999999", "ZZ000000000", "..", "b.example", "%2e%2e", "x".repeat(200));
      default -> id = pick(r, "*", "TI00000000?", "_search", "TI000000001 OR 1=1");
    }
    List<Map.Entry<String, String>> q = new ArrayList<>();
    if (r.nextInt(8) == 0) {
      q.add(Map.entry(pick(r, "domain", "index", "routing"), pick(r, "b.example", "trace-*")));
    }
    Req req = new Req(HttpMethod.GET, "GET /mail-sent/{id}", "/mail-sent/" + enc(id), q, foreign);
    return req;
  }

  private Req audit(Random r) {
    List<Map.Entry<String, String>> q = new ArrayList<>();
    if (r.nextBoolean()) {
      q.add(Map.entry("sub", pick(r, "domain-admin-user", "admin-user", "b.example", "")));
    }
    if (r.nextBoolean()) {
      q.add(Map.entry("from", pick(r, "2025-05-30", "junk")));
    }
    return new Req(HttpMethod.GET, "GET /audit", "/audit", q, false);
  }

  private Req dkim(Random r, HttpMethod m, String suffix) {
    int kind = r.nextInt(6);
    String d = kind <= 2 ? pick(r, FOREIGN_DOMAINS).trim() : kind == 3 ? pick(r, BAD_DOMAINS) : pick(r, OWN_DOMAINS);
    if (d.isEmpty()) {
      d = "b_example";
    }
    String route = m.name() + " /domains/{domain}/dkim" + suffix;
    List<Map.Entry<String, String>> q = new ArrayList<>();
    if (r.nextInt(6) == 0) {
      q.add(Map.entry("domain", pick(r, "b.example", "a.example")));
    }
    return new Req(m, route, "/domains/" + enc(d) + "/dkim" + suffix, q, kind <= 2);
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  private static <T> T pick(Random r, List<T> options) {
    return options.get(r.nextInt(options.size()));
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }
}
