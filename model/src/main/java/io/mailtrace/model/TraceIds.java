package io.mailtrace.model;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Time-ordered unique ids in the ULID layout: 48 bits of Unix milliseconds then 80 random bits,
 * written as 26 Crockford base32 characters, so ids sort lexicographically by creation time.
 * Within one millisecond the random part is incremented (monotonic), so ids from one generator
 * are strictly increasing. Thread-safe.
 */
public final class TraceIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final TraceIds DEFAULT = new TraceIds(new SecureRandom());

  private final SecureRandom random;
  private long lastMillis = -1;
  private long randHi; // 16 bits
  private long randLo; // 64 bits

  public TraceIds(SecureRandom random) {
    this.random = random;
  }

  /** A new id from the process-wide generator. */
  public static String next() {
    return DEFAULT.nextId(System.currentTimeMillis());
  }

  /** A new id for the given time; strictly greater than the previous id of this generator. */
  public synchronized String nextId(long millis) {
    if (millis > lastMillis) {
      lastMillis = millis;
      randHi = random.nextInt(1 << 16);
      randLo = random.nextLong();
    } else {
      // Same (or earlier, clock stepped back) millisecond: keep order by incrementing.
      randLo++;
      if (randLo == 0) {
        randHi = (randHi + 1) & 0xFFFF;
        if (randHi == 0) {
          lastMillis++;
        }
      }
    }
    return encode(lastMillis, randHi, randLo);
  }

  /** The creation time encoded in an id. */
  public static Instant timeOf(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("not a trace id");
    }
    long millis = 0;
    for (int i = 0; i < 10; i++) {
      millis = (millis << 5) | decode(id.charAt(i));
    }
    return Instant.ofEpochMilli(millis);
  }

  /** Whether the string has the shape of a trace id (26 Crockford base32 characters). */
  public static boolean isValid(String id) {
    if (id == null || id.length() != 26 || decode(id.charAt(0)) > 7) {
      return false;
    }
    for (int i = 0; i < 26; i++) {
      if (decode(id.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int decode(char c) {
    for (int i = 0; i < ALPHABET.length; i++) {
      if (ALPHABET[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static String encode(long millis, long hi16, long lo64) {
    char[] out = new char[26];
    // 48-bit time -> 10 chars (50 bits, top 2 zero)
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 80 random bits -> 16 chars
    for (int i = 25; i >= 10; i--) {
      out[i] = ALPHABET[(int) (lo64 & 31)];
      lo64 = (lo64 >>> 5) | ((hi16 & 31) << 59);
      hi16 >>>= 5;
    }
    return new String(out);
  }
}
