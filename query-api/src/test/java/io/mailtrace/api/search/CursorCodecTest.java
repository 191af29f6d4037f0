package io.mailtrace.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorCodecTest {
  final CursorCodec codec = new CursorCodec("s".repeat(32));

  @Test
  void roundTrips() {
    SortKey k = new SortKey(1_767_000_000_123L, "01JABCDEFGHJKMNPQRSTVWXYZ0");
    assertThat(codec.decode(codec.encode(k))).contains(k);
  }

  @Test
  void refusesForgedEditedOrGarbageCursors() {
    String good = codec.encode(new SortKey(1000L, "A"));
    String payload = good.substring(0, good.indexOf('.'));
    byte[] raw = Base64.getUrlDecoder().decode(payload);
    raw[7] ^= 1; // move the position
    String edited = Base64.getUrlEncoder().withoutPadding().encodeToString(raw) + good.substring(good.indexOf('.'));
    assertThat(codec.decode(edited)).isEmpty();
    assertThat(new CursorCodec("t".repeat(32)).decode(good)).isEmpty();
    for (String bad : new String[] {"", ".", "abc", "a.b.c", "!!!.###", "AAAA.AAAA", "x".repeat(500)}) {
      assertThat(codec.decode(bad)).as(bad).isEmpty();
    }
  }
}
