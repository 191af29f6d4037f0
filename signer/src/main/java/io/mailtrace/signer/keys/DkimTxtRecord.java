package io.mailtrace.signer.keys;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A DKIM key record (RFC 6376 §3.6.1) parsed from a TXT value: a tag list in any order with
 * whitespace around tags, {@code =} and inside {@code p=}; {@code v=DKIM1} first when present;
 * {@code k=rsa} (the default); an empty {@code p=} means revoked. The key is decoded as a
 * SubjectPublicKeyInfo (or, leniently, a bare PKCS#1 RSAPublicKey) and compared as a key.
 */
public final class DkimTxtRecord {

  /** The value cannot be a DKIM key record; {@code getMessage()} says why, for the admin. */
  public static final class MalformedException extends Exception {
    public MalformedException(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, String> tags;
  private final RSAPublicKey key; // null when revoked

  private DkimTxtRecord(Map<String, String> tags, RSAPublicKey key) {
    this.tags = tags;
    this.key = key;
  }

  public boolean revoked() {
    return key == null;
  }

  public Optional<RSAPublicKey> key() {
    return Optional.ofNullable(key);
  }

  public Map<String, String> tags() {
    return tags;
  }

  /** Same RSA modulus and exponent. */
  public boolean sameKeyAs(RSAPublicKey other) {
    return key != null
        && key.getModulus().equals(other.getModulus())
        && key.getPublicExponent().equals(other.getPublicExponent());
  }

  public static DkimTxtRecord parse(String value) throws MalformedException {
    Map<String, String> tags = tagList(value);
    String v = tags.get("v");
    if (v != null) {
      if (!tags.keySet().iterator().next().equals("v")) {
        throw new MalformedException("v= must be the first tag of the record");
      }
      if (!v.equals("DKIM1")) {
        throw new MalformedException("v= must be DKIM1, found '" + v + "'");
      }
    }
    String k = tags.getOrDefault("k", "rsa");
    if (!k.equalsIgnoreCase("rsa")) {
      throw new MalformedException("k= must be rsa for this key, found '" + k + "'");
    }
    if (!tags.containsKey("p")) {
      throw new MalformedException("the record has no p= tag (the public key)");
    }
    String p = tags.get("p").replaceAll("[ \\t\\r\\n]", "");
    if (p.isEmpty()) {
      return new DkimTxtRecord(tags, null);
    }
    if (p.indexOf('"') >= 0 || p.indexOf('\\') >= 0) {
      throw new MalformedException("p= contains quotes or backslashes: paste the key without"
          + " the quotes of the zone file line");
    }
    if (!p.matches("[A-Za-z0-9+/]*={0,2}")) {
      throw new MalformedException("p= is not base64 (unexpected characters)");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(p);
    } catch (IllegalArgumentException e) {
      throw new MalformedException("p= is not valid base64 (" + p.length()
          + " characters: the key may be truncated)");
    }
    return new DkimTxtRecord(tags, rsaKey(der, p.length()));
  }

  private static RSAPublicKey rsaKey(byte[] der, int chars) throws MalformedException {
    try {
      KeyFactory kf = KeyFactory.getInstance("RSA");
      try {
        return (RSAPublicKey) kf.generatePublic(new X509EncodedKeySpec(der));
      } catch (Exception spkiFailed) {
        // Some DNS records hold a PKCS#1 RSAPublicKey (SEQUENCE { n, e }); receivers accept it.
        BigInteger[] ne = pkcs1(der);
        return (RSAPublicKey) kf.generatePublic(new RSAPublicKeySpec(ne[0], ne[1]));
      }
    } catch (Exception e) {
      throw new MalformedException("p= does not decode to an RSA public key (" + chars
          + " base64 characters: the key may be truncated)");
    }
  }

  /** Minimal DER reader for SEQUENCE { INTEGER n, INTEGER e } spanning the whole input. */
  private static BigInteger[] pkcs1(byte[] der) {
    int[] pos = {0};
    int seqLen = header(der, pos, 0x30);
    if (pos[0] + seqLen != der.length) {
      throw new IllegalArgumentException("trailing bytes");
    }
    int nLen = header(der, pos, 0x02);
    BigInteger n = new BigInteger(java.util.Arrays.copyOfRange(der, pos[0], pos[0] + nLen));
    pos[0] += nLen;
    int eLen = header(der, pos, 0x02);
    BigInteger e = new BigInteger(java.util.Arrays.copyOfRange(der, pos[0], pos[0] + eLen));
    pos[0] += eLen;
    if (pos[0] != der.length || n.signum() <= 0 || e.signum() <= 0) {
      throw new IllegalArgumentException("not an RSAPublicKey");
    }
    return new BigInteger[] {n, e};
  }

  private static int header(byte[] b, int[] pos, int tag) {
    if (pos[0] + 2 > b.length || (b[pos[0]++] & 0xff) != tag) {
      throw new IllegalArgumentException("bad tag");
    }
    int len = b[pos[0]++] & 0xff;
    if (len > 0x80) {
      int n = len - 0x80;
      if (n > 4) {
        throw new IllegalArgumentException("bad length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (b[pos[0]++] & 0xff);
      }
    }
    if (len < 0 || pos[0] + len > b.length) {
      throw new IllegalArgumentException("length beyond input");
    }
    return len;
  }

  /** RFC 6376 §3.2 tag-list: tag-spec *( ";" tag-spec ) [ ";" ], FWS around names and values. */
  static Map<String, String> tagList(String value) throws MalformedException {
    if (value == null || value.isBlank()) {
      throw new MalformedException("the TXT record is empty");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    String[] specs = value.split(";", -1);
    for (int i = 0; i < specs.length; i++) {
      String spec = specs[i];
      if (spec.isBlank()) {
        if (i == specs.length - 1) {
          break; // a trailing ";" is allowed
        }
        throw new MalformedException("empty tag between ';' separators");
      }
      int eq = spec.indexOf('=');
      if (eq < 0) {
        throw new MalformedException("'" + abbreviate(spec.strip()) + "' is not a tag=value pair");
      }
      String name = spec.substring(0, eq).strip();
      if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
        throw new MalformedException("bad tag name '" + abbreviate(name) + "'");
      }
      String v = spec.substring(eq + 1).strip();
      if (tags.put(name, v) != null) {
        throw new MalformedException("tag " + name + "= appears twice");
      }
    }
    return tags;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
