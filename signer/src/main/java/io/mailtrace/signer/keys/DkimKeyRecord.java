package io.mailtrace.signer.keys;

import io.mailtrace.model.keys.DkimKeyView;
import io.mailtrace.model.keys.DnsCheck;
import io.mailtrace.model.keys.DnsCheckResult;
import io.mailtrace.model.keys.DnsRecordView;
import io.mailtrace.model.keys.KeyState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One custom key: one Elasticsearch document per (domain, selector), id {@code domain/selector}.
 * The private key is only ever held sealed ({@link KeyEncryption}); it is null once the key is
 * disabled or expired (destroyed). {@code seqNo}/{@code primaryTerm} are the document version
 * this copy was read at (optimistic concurrency), -1 for a record not stored yet.
 */
public record DkimKeyRecord(
    String domain,
    String selector,
    KeyState state,
    int keyBits,
    String publicKey,
    KeyEncryption.Sealed privateKey,
    Instant createdAt,
    Instant expiresAt,
    Instant verifiedAt,
    DnsCheck lastCheck,
    Instant endedAt,
    long seqNo,
    long primaryTerm) {

  public String id() {
    return domain + "/" + selector;
  }

  public String dnsName() {
    return selector + "._domainkey." + domain;
  }

  public String txtValue() {
    return "v=DKIM1; k=rsa; p=" + publicKey;
  }

  public DkimKeyRecord withCheck(DnsCheck check) {
    return new DkimKeyRecord(domain, selector, state, keyBits, publicKey, privateKey, createdAt,
        expiresAt, verifiedAt, check, endedAt, seqNo, primaryTerm);
  }

  public DkimKeyRecord activated(Instant at) {
    return new DkimKeyRecord(domain, selector, KeyState.ACTIVE, keyBits, publicKey, privateKey,
        createdAt, null, at, lastCheck, endedAt, seqNo, primaryTerm);
  }

  /** Disabled or expired: the private key is dropped from the document. */
  public DkimKeyRecord ended(KeyState s, Instant at) {
    return new DkimKeyRecord(domain, selector, s, keyBits, publicKey, null, createdAt, null,
        verifiedAt, lastCheck, at, seqNo, primaryTerm);
  }

  public DkimKeyRecord withVersion(long seq, long term) {
    return new DkimKeyRecord(domain, selector, state, keyBits, publicKey, privateKey, createdAt,
        expiresAt, verifiedAt, lastCheck, endedAt, seq, term);
  }

  public DkimKeyView view() {
    if (!state.live()) {
      return DkimKeyView.none(domain);
    }
    return new DkimKeyView(domain, state, selector,
        new DnsRecordView(dnsName(), "TXT", txtValue(), zoneFileLine()),
        createdAt, expiresAt, verifiedAt, lastCheck,
        lastCheck == null ? null : lastCheck.result());
  }

  /** {@code name. 3600 IN TXT ( "…" "…" )} with strings of at most 255 bytes (ASCII here). */
  public String zoneFileLine() {
    String v = txtValue();
    StringBuilder sb = new StringBuilder(dnsName()).append(". 3600 IN TXT (");
    for (int i = 0; i < v.length(); i += 255) {
      sb.append(" \"").append(v, i, Math.min(v.length(), i + 255)).append('"');
    }
    return sb.append(" )").toString();
  }

  /** The stored document (never logged: it holds the sealed key). */
  public JsonObject toDocument() {
    JsonObject d = new JsonObject()
        .put("domain", domain)
        .put("selector", selector)
        .put("state", state.wireName())
        .put("key_bits", keyBits)
        .put("public_key", publicKey)
        .put("created_at", str(createdAt))
        .put("expires_at", str(expiresAt))
        .put("verified_at", str(verifiedAt))
        .put("ended_at", str(endedAt));
    if (privateKey != null) {
      d.put("private_key", new JsonObject()
          .put("alg", "aes-256-gcm")
          .put("nonce", privateKey.nonce())
          .put("ciphertext", privateKey.ciphertext()));
    }
    if (lastCheck != null) {
      d.put("last_check", lastCheck.toJson());
    }
    return d;
  }

  public static DkimKeyRecord fromDocument(JsonObject d, long seqNo, long primaryTerm) {
    JsonObject pk = d.getJsonObject("private_key");
    JsonObject lc = d.getJsonObject("last_check");
    return new DkimKeyRecord(
        d.getString("domain"),
        d.getString("selector"),
        KeyState.fromWireName(d.getString("state")).orElseThrow(),
        d.getInteger("key_bits", 0),
        d.getString("public_key"),
        pk == null ? null : new KeyEncryption.Sealed(pk.getString("nonce"), pk.getString("ciphertext")),
        inst(d.getString("created_at")),
        inst(d.getString("expires_at")),
        inst(d.getString("verified_at")),
        lc == null ? null : new DnsCheck(
            DnsCheckResult.fromWireName(lc.getString("result")).orElse(DnsCheckResult.DNS_ERROR),
            lc.getString("message"), inst(lc.getString("checked_at"))),
        inst(d.getString("ended_at")),
        seqNo,
        primaryTerm);
  }

  /** The strict mapping of the keys index. */
  public static JsonObject indexBody() {
    JsonObject kw = new JsonObject().put("type", "keyword");
    JsonObject date = new JsonObject().put("type", "date");
    JsonObject notIndexed = new JsonObject().put("type", "keyword").put("index", false).put("doc_values", false);
    return new JsonObject()
        .put("settings", new JsonObject().put("number_of_shards", 1).put("number_of_replicas", 0))
        .put("mappings", new JsonObject()
            .put("dynamic", "strict")
            .put("properties", new JsonObject()
                .put("domain", kw)
                .put("selector", kw)
                .put("state", kw)
                .put("key_bits", new JsonObject().put("type", "integer"))
                .put("public_key", notIndexed)
                .put("private_key", new JsonObject().put("type", "object").put("dynamic", "strict")
                    .put("properties", new JsonObject()
                        .put("alg", kw).put("nonce", notIndexed).put("ciphertext", notIndexed)))
                .put("created_at", date)
                .put("expires_at", date)
                .put("verified_at", date)
                .put("ended_at", date)
                .put("last_check", new JsonObject().put("type", "object").put("dynamic", "strict")
                    .put("properties", new JsonObject()
                        .put("result", kw)
                        .put("message", new JsonObject().put("type", "text"))
                        .put("checked_at", date)))));
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Instant inst(String s) {
    return s == null ? null : Instant.parse(s);
  }

  @Override
  public String toString() {
    return "DkimKeyRecord[" + id() + ", " + state + "]"; // never the sealed key
  }
}
