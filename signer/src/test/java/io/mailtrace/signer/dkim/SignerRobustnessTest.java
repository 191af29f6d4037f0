package io.mailtrace.signer.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.signer.message.HeaderSection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile input never crashes the signer: seeded random mutations of the generated messages are
 * either signed or refused with a permanent DkimSigningException, never another exception.
 */
class SignerRobustnessTest {
  private static final byte[] INTERESTING = {'\r', '\n', ' ', '\t', ':', 0, (byte) 0xff, (byte) 0xc3, 'F', '=', ';', '<', '>', '@'};

  @Test
  void mutatedMessagesAreSignedOrRefusedCleanly() {
    Random random = new Random(20261128);
    List<byte[]> seeds = new ArrayList<>(GeneratedMessages.signable().values());
    seeds.removeIf(m -> m.length > 50_000);
    GeneratedMessages.refused().values().forEach(e -> seeds.add(e.getKey()));
    DkimSignerCore core = new DkimSignerCore();
    int signed = 0;
    int refused = 0;
    for (int i = 0; i < 4000; i++) {
      byte[] m = mutate(seeds.get(random.nextInt(seeds.size())), random);
      try {
        HeaderSection h = DkimSignerCore.parse(m);
        DkimSignerCore.bodyHash(m, h);
        DkimSignerCore.signedHeaderNames(h);
        if (i % 40 == 0) { // the RSA part is input-independent: sign a sample only
          assertThat(core.sign(m, List.of(TestKeys.shared())).bytes()).endsWith(m);
        }
        signed++;
      } catch (DkimSigningException e) {
        assertThat(e.permanent()).as(e.getMessage()).isTrue();
        assertThat(e.getMessage()).isNotBlank();
        refused++;
      }
    }
    assertThat(signed).isPositive();
    assertThat(refused).isPositive();
  }

  private static byte[] mutate(byte[] seed, Random r) {
    byte[] m = seed.clone();
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits && m.length > 0; e++) {
      int pos = r.nextInt(m.length);
      switch (r.nextInt(4)) {
        case 0 -> m[pos] = INTERESTING[r.nextInt(INTERESTING.length)];
        case 1 -> m[pos] = (byte) r.nextInt(256);
        case 2 -> m = java.util.Arrays.copyOf(m, pos); // truncate
        default -> {
          byte[] longer = new byte[m.length + 1];
          System.arraycopy(m, 0, longer, 0, pos);
          longer[pos] = INTERESTING[r.nextInt(INTERESTING.length)];
          System.arraycopy(m, pos, longer, pos + 1, m.length - pos);
          m = longer;
        }
      }
    }
    return m;
  }
}
