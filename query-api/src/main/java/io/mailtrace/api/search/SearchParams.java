package io.mailtrace.api.search;

import io.mailtrace.api.Syntax;
import io.mailtrace.api.auth.TenantScope;
import io.mailtrace.api.error.ApiException;
import io.mailtrace.model.DkimKind;
import io.mailtrace.model.TraceStatus;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses and validates query parameters into {@link SearchFilters}: every problem is a 400
 * naming the parameter; a {@code domain} outside the caller's scope is a 403.
 */
public final class SearchParams {
  public static final List<String> FILTERS = List.of("domain", "account", "from", "to", "recipient", "status",
      "message_id", "subject", "dkim_domain", "dkim_selector", "dkim_kind", "client_ip");
  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 500;
  public static final Duration DEFAULT_RANGE = Duration.ofHours(24);
  /** Longest range a query may span (bounds the work of a single request). */
  public static final Duration MAX_RANGE = Duration.ofDays(400);

  private SearchParams() {}

  /** Fails with 400 naming the first parameter that is not in {@code allowed} or given twice. */
  public static void checkNames(MultiMap params, Set<String> allowed) {
    for (String name : new TreeSet<>(params.names())) {
      if (!allowed.contains(name)) {
        throw ApiException.badParameter(name, "unknown parameter (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
      if (params.getAll(name).size() > 1) {
        throw ApiException.badParameter(name, "given more than once");
      }
    }
  }

  public static SearchFilters filters(MultiMap p, TenantScope scope, Clock clock) {
    Instant now = clock.instant();
    Instant to = p.get("to") == null ? now : instant("to", p.get("to"), true);
    Instant from = p.get("from") == null ? to.minus(DEFAULT_RANGE) : instant("from", p.get("from"), false);
    if (!from.isBefore(to)) {
      throw ApiException.badParameter("from", "must be before 'to'");
    }
    if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw ApiException.badParameter("from", "range longer than " + MAX_RANGE.toDays() + " days");
    }
    String domain = opt(p, "domain", v -> Syntax.domainOrNull(v), "not a domain name");
    if (domain != null) {
      scope.check(domain);
    }
    String account = opt(p, "account", v -> Syntax.isAccount(v) ? v.toLowerCase(Locale.ROOT) : null, "not an account name");
    String recipient = opt(p, "recipient", v -> Syntax.isAddress(v) ? v.toLowerCase(Locale.ROOT) : null, "not an email address");
    TraceStatus status = opt(p, "status", v -> TraceStatus.fromWireName(v).orElse(null),
        "unknown status (one of " + String.join(", ", Arrays.stream(TraceStatus.values()).map(TraceStatus::wireName).toList()) + ")");
    String messageId = opt(p, "message_id", v -> Syntax.isPrintable(v, 998) && !v.contains(" ") ? v : null, "not a message id");
    String subject = opt(p, "subject", v -> Syntax.isPrintable(v.strip(), 500) ? v.strip() : null, "empty, too long or with control characters");
    String dkimDomain = opt(p, "dkim_domain", v -> Syntax.domainOrNull(v), "not a domain name");
    String dkimSelector = opt(p, "dkim_selector", v -> Syntax.isSelector(v) ? v : null, "not a DKIM selector");
    DkimKind dkimKind = opt(p, "dkim_kind", v -> DkimKind.fromWireName(v).orElse(null), "unknown DKIM kind (custom or shared)");
    String clientIp = opt(p, "client_ip", v -> Syntax.isIpOrCidr(v) ? v : null, "not an IP address or CIDR range");
    return new SearchFilters(from, to, domain, account, recipient, status, messageId, subject, dkimDomain, dkimSelector, dkimKind, clientIp);
  }

  public static int size(MultiMap p) {
    String v = p.get("size");
    if (v == null) {
      return DEFAULT_SIZE;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_SIZE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ApiException.badParameter("size", "must be an integer from 1 to " + MAX_SIZE);
  }

  /** Instants a query may name: four-digit years, so epoch millis and Elasticsearch dates never overflow. */
  static final Instant MIN_INSTANT = Instant.parse("0000-01-01T00:00:00Z");
  static final Instant MAX_INSTANT = Instant.parse("+10000-01-01T00:00:00Z");

  /** ISO-8601 instant ({@code 2026-11-28T10:00:00Z}, offsets allowed) or a date; a date as {@code to} includes that whole day. */
  public static Instant instant(String name, String v, boolean endOfDay) {
    Instant i = parseInstant(v, endOfDay);
    if (i == null) {
      throw ApiException.badParameter(name, "not an ISO-8601 instant or date (e.g. 2026-11-28T10:00:00Z or 2026-11-28)");
    }
    if (i.isBefore(MIN_INSTANT) || i.isAfter(MAX_INSTANT)) {
      throw ApiException.badParameter(name, "out of range (years 0000 to 9999)");
    }
    return i;
  }

  private static Instant parseInstant(String v, boolean endOfDay) {
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeException e) {
      // try the other forms
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeException e) {
      // try a date
    }
    try {
      LocalDate d = LocalDate.parse(v);
      // DateTimeException, not only DateTimeParseException: plusDays overflows at the last year
      return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static <T> T opt(MultiMap p, String name, java.util.function.Function<String, T> parse, String why) {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    T t = v.isEmpty() ? null : parse.apply(v);
    if (t == null) {
      throw ApiException.badParameter(name, why);
    }
    return t;
  }
}
