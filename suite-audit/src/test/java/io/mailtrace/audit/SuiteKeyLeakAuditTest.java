package io.mailtrace.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.testkit.KeyMaterialRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * After the whole suite (this module is last in the reactor and depends on app): no test report,
 * captured stdout/stderr, log file or other test output of any module holds a private key in
 * clear — neither a PEM private-key block nor a fragment of any key the tests registered with
 * {@link KeyMaterialRegistry}. Run alone, with no reports to scan, it is skipped, not failed.
 */
class SuiteKeyLeakAuditTest {
  @Test
  void noTestOutputOfAnyModuleHoldsPrivateKeyMaterial() throws Exception {
    Path repo = Path.of(System.getProperty("mailtrace.repo", "..")).toAbsolutePath().normalize();
    Path self = Path.of("").toAbsolutePath().resolve("target");
    List<Path> roots = new ArrayList<>();
    roots.add(repo.resolve("target"));
    try (Stream<Path> modules = Files.list(repo)) {
      modules.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().forEach(d -> roots.add(d.resolve("target")));
    }
    Path registry = Path.of(System.getProperty(KeyMaterialRegistry.DIR_PROPERTY, repo.resolve("target/key-registry").toString()));
    Set<String> fingerprints = KeyMaterialRegistry.load(registry);

    KeyLeakScanner.Result r = new KeyLeakScanner(fingerprints).scan(roots, self);
    Assumptions.assumeTrue(r.reportFiles() > 0,
        "no test reports under " + repo + "/*/target: run after the suite (mvn verify), not alone");
    System.out.printf("key-leak audit: %d files (%d test reports) scanned for PEM blocks and %d fingerprints of registered keys; %d key files (.pem/.key) not scanned%n",
        r.filesScanned(), r.reportFiles(), fingerprints.size(), r.keyFiles());
    r.notes().forEach(n -> System.out.println("key-leak audit: " + n));
    assertThat(r.leaks()).as("private-key material in test output").isEmpty();
  }
}
