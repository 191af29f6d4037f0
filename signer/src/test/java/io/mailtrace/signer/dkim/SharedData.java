package io.mailtrace.signer.dkim;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared (corpus and DKIM vectors); tests skip with a reason when it is absent. */
public final class SharedData {
  private SharedData() {}

  public static Path dir(String sub) {
    String base = System.getProperty("mailtrace.shared.dir", "../shared");
    Path p = Path.of(base).resolve(sub).toAbsolutePath().normalize();
    assumeTrue(
        Files.isDirectory(p),
        "shared test data " + p + " is absent (set -Dmailtrace.shared.dir); skipping");
    return p;
  }
}
