package io.mailtrace.signer.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayConnectionTest {
  private static String stuff(String s) {
    return new String(RelayConnection.dotStuff(s.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
  }

  @Test
  void dotStuffingIsTheExactInverseOfUnstuffing() {
    assertThat(stuff("a\r\n.b\r\n..\r\n.\r\n")).isEqualTo("a\r\n..b\r\n...\r\n..\r\n.\r\n");
    assertThat(stuff(".first\r\n")).isEqualTo("..first\r\n.\r\n");
    assertThat(stuff("")).isEqualTo(".\r\n");
    assertThat(stuff("no final crlf")).isEqualTo("no final crlf\r\n.\r\n");
  }
}
