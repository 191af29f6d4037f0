package io.mailtrace.signer.dkim;

import io.mailtrace.model.DkimKind;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The single-thread RSA-2048 signing rate: the baseline the relay benchmark compares against
 * (2 cores give at most about twice this). Not a test; run it with
 *
 * <pre>
 * mvn -q -o -pl signer -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.cp -Dmdep.includeScope=test
 * java -cp signer/target/test-classes:signer/target/classes:$(cat signer/target/test.cp) \
 *     io.mailtrace.signer.dkim.SignRateBaseline [--seconds 10] [--keys 1|2] [--size 10240] [--key file.pem]
 * </pre>
 *
 * It signs the same 10 KB message again and again with {@link DkimSignerCore} (parsing, body hash
 * and RSA: the whole per-message cost) on one thread, after a warm-up, and prints one line
 * {@code SIGN_RATE msgs_per_s=<n> keys=<k> size=<bytes> seconds=<s>} for scripts, then a sentence.
 */
public final class SignRateBaseline {
  private SignRateBaseline() {}

  public static void main(String[] args) throws Exception {
    double seconds = 10;
    int keys = 1;
    int size = 0; // 0: the 10 KB message of the tests
    Path keyFile = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--keys" -> keys = Integer.parseInt(args[i + 1]);
        case "--size" -> size = Integer.parseInt(args[i + 1]);
        case "--key" -> keyFile = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<SigningKey> signingKeys = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      PrivateKey pk;
      if (keyFile != null) {
        pk = PemKeys.readPrivateKey(keyFile);
      } else {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        pk = g.generateKeyPair().getPrivate();
      }
      signingKeys.add(new SigningKey("bench" + k + ".example", "s" + k, k == 0 ? DkimKind.CUSTOM : DkimKind.SHARED, pk));
    }
    byte[] message = message(size);
    DkimSignerCore core = new DkimSignerCore();
    run(core, message, signingKeys, Math.min(3, seconds / 3)); // warm-up: JIT
    double rate = run(core, message, signingKeys, seconds);
    double raw = rawRsa(signingKeys.get(0).privateKey(), seconds / 2);
    System.out.printf(Locale.ROOT, "SIGN_RATE msgs_per_s=%.1f keys=%d size=%d seconds=%.1f%n", rate, keys, message.length, seconds);
    System.out.printf(Locale.ROOT, "single thread, RSA-2048 x %d per message, %d-byte messages: %.1f msgs/s (%s)%n",
        keys, message.length, rate, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    System.out.printf(Locale.ROOT, "raw SHA256withRSA signatures of a 600-byte input, same thread: %.1f/s%n", raw);
  }

  private static double run(DkimSignerCore core, byte[] message, List<SigningKey> keys, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long n = 0;
    long sink = 0;
    while (System.nanoTime() < end) {
      sink += core.sign(message, keys).bytes().length;
      n++;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (sink == 0) {
      throw new IllegalStateException("nothing signed");
    }
    return n / elapsed;
  }

  /** Bare RSA signatures per second: what the per-message rate cannot exceed. */
  private static double rawRsa(PrivateKey key, double seconds) throws Exception {
    byte[] input = new byte[600];
    java.security.Signature sig = java.security.Signature.getInstance("SHA256withRSA");
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    long n = 0;
    while (System.nanoTime() < end) {
      sig.initSign(key);
      sig.update(input);
      sig.sign();
      n++;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static byte[] message(int size) {
    if (size <= 0) {
      return GeneratedMessages.tenKilobytes();
    }
    StringBuilder body = new StringBuilder();
    while (body.length() < size) {
      body.append("The quick brown fox jumps over the lazy dog 0123456789.\r\n");
    }
    return GeneratedMessages.ascii(GeneratedMessages.HEAD + "\r\n" + body.substring(0, Math.max(0, size - 300)) + "\r\n");
  }
}
