package io.mailtrace.signer.accounts;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {

  public static Cidr parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("empty CIDR");
    }
    String t = s.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (!addr.matches("[0-9a-fA-F:.]+")) { // never resolve names
      throw new IllegalArgumentException("not an IP address: " + s);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + s, e);
    }
    int prefix;
    try {
      prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix: " + s, e);
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("bad prefix: " + s);
    }
    return new Cidr(bytes, prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  /** Whether the textual address (as given by the socket) is inside this network. */
  public boolean contains(String ip) {
    try {
      if (ip == null || !ip.matches("[0-9a-fA-F:.%a-zA-Z0-9]+")) {
        return false;
      }
      return contains(InetAddress.getByName(ip.contains("%") ? ip.substring(0, ip.indexOf('%')) : ip));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
