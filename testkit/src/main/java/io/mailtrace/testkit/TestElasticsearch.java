package io.mailtrace.testkit;

import io.mailtrace.devstack.LocalElasticsearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real Elasticsearch the tests of one JVM share: {@code ES_URL} when set, otherwise one
 * {@link LocalElasticsearch} node started on first use from the distribution Maven resolved
 * (system properties set by the build: {@code mailtrace.es.zip}, {@code mailtrace.es.version},
 * {@code mailtrace.es.javaHome}, {@code mailtrace.es.workDir}) and stopped when the JVM ends.
 *
 * <p>Tests that stop and restart Elasticsearch must not use the shared node: they take their own
 * with {@link #dedicated(String)}.
 */
public final class TestElasticsearch {
  private static String sharedUrl;

  private TestElasticsearch() {}

  /** Base URL of the shared node, started on first call (blocking, up to a few minutes). */
  public static synchronized String url() {
    if (sharedUrl == null) {
      String env = System.getenv("ES_URL");
      if (env != null && !env.isBlank()) {
        sharedUrl = env.endsWith("/") ? env.substring(0, env.length() - 1) : env;
      } else {
        try {
          sharedUrl = dedicated("shared").start().url();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    return sharedUrl;
  }

  /**
   * A node of this JVM's own (not started yet), with a fresh data directory, that a test may stop
   * and start again on the same port. Stopped at JVM exit at the latest.
   */
  public static LocalElasticsearch dedicated(String name) {
    String zip = required("mailtrace.es.zip");
    String version = required("mailtrace.es.version");
    Path work = Path.of(System.getProperty("mailtrace.es.workDir", "target/elasticsearch")).toAbsolutePath();
    try {
      Files.createDirectories(work.resolve("instances"));
      Path instance = Files.createTempDirectory(work.resolve("instances"), name + "-");
      return LocalElasticsearch.builder()
          .zip(Path.of(zip))
          .version(version)
          .distDir(work.resolve("dist"))
          .instanceDir(instance)
          .javaHome(System.getProperty("mailtrace.es.javaHome"))
          .heap(System.getProperty("mailtrace.es.heap", "512m"))
          .startTimeout(java.time.Duration.ofSeconds(Long.getLong("mailtrace.es.startTimeoutSeconds", 300)))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set; run the tests through Maven");
    }
    return v;
  }
}
