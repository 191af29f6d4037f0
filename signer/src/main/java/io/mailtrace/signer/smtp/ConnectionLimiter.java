package io.mailtrace.signer.smtp;

import java.util.concurrent.ConcurrentHashMap;

/** Concurrent connections per client address, shared by all server instances of a process. Thread-safe. */
public final class ConnectionLimiter {
  private final int maxPerIp;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  public ConnectionLimiter(int maxPerIp) {
    this.maxPerIp = maxPerIp;
  }

  /** Counts a new connection; false (and not counted) when the address is at its limit. */
  public boolean tryAcquire(String ip) {
    boolean[] ok = {false};
    open.compute(ip, (k, n) -> {
      int cur = n == null ? 0 : n;
      if (cur >= maxPerIp) {
        return n;
      }
      ok[0] = true;
      return cur + 1;
    });
    return ok[0];
  }

  public void release(String ip) {
    open.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }
}
