package io.mailtrace.api.auth;

import io.mailtrace.api.error.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The set of sender domains a caller may see, taken from the token only (never from the
 * request). Every Elasticsearch query adds {@link #filterClause(String)} to its {@code filter}.
 * An empty set (a domain-admin token without domains) matches nothing.
 */
public final class TenantScope {
  private static final TenantScope ALL = new TenantScope(null);
  private final Set<String> domains; // null = every domain

  private TenantScope(Set<String> domains) {
    this.domains = domains == null ? null : Set.copyOf(new TreeSet<>(domains));
  }

  public static TenantScope all() {
    return ALL;
  }

  public static TenantScope only(Set<String> domains) {
    return new TenantScope(domains);
  }

  public boolean unrestricted() {
    return domains == null;
  }

  /** The domains, when restricted. */
  public Optional<Set<String>> domains() {
    return Optional.ofNullable(domains);
  }

  public boolean allows(String domain) {
    return domains == null || (domain != null && domains.contains(domain.toLowerCase(java.util.Locale.ROOT)));
  }

  /** Fails with 403 when a domain the request names is outside the scope. */
  public void check(String domain) {
    if (!allows(domain)) {
      throw ApiException.forbidden("domain '" + domain + "' is outside your scope");
    }
  }

  /** A filter clause restricting a query to the scope on {@code field}; empty when unrestricted. */
  public Optional<JsonObject> filterClause(String field) {
    if (domains == null) {
      return Optional.empty();
    }
    return Optional.of(new JsonObject().put("terms", new JsonObject().put(field, new JsonArray(domains.stream().sorted().toList()))));
  }

  @Override
  public String toString() {
    return domains == null ? "all" : String.join(",", domains);
  }
}
