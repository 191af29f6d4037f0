package io.mailtrace.app.dev;

import io.mailtrace.devstack.LocalElasticsearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Elasticsearch of {@code mailtrace dev}: the node already running on this data directory
 * when there is one (its pid file names a live process and it answers cluster health), otherwise
 * a new {@link LocalElasticsearch} whose data lives under {@code <data>/elasticsearch} and which
 * keeps its HTTP port from one start to the next. Only a node this process started is stopped
 * by {@link #close()}.
 */
public final class DevElasticsearch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevElasticsearch.class);

  private final String url;
  private final LocalElasticsearch started;

  private DevElasticsearch(String url, LocalElasticsearch started) {
    this.url = url;
    this.started = started;
  }

  public String url() {
    return url;
  }

  /** Whether this process started (and will stop) the node. */
  public boolean startedHere() {
    return started != null;
  }

  /** Blocking: up to a few minutes on the first start. */
  public static DevElasticsearch startOrReuse(DevPaths paths) throws IOException, InterruptedException {
    Path instance = paths.elasticsearch();
    Path portFile = instance.resolve("http.port");
    Optional<String> running = runningUrl(instance, portFile);
    if (running.isPresent()) {
      LOG.info("reusing the Elasticsearch already running at {}", running.get());
      return new DevElasticsearch(running.get(), null);
    }
    String zip = System.getProperty("mailtrace.es.zip");
    if (zip == null || zip.isBlank()) {
      throw new IOException("no Elasticsearch distribution given: start through ./mailtrace dev (it builds it), or pass --es-url");
    }
    String version = System.getProperty("mailtrace.es.version", versionOf(Path.of(zip)));
    String repo = System.getProperty("mailtrace.repo");
    // The unpacked distribution is shared with the test harness when running from the repository.
    Path dist = repo != null && !repo.isBlank() ? Path.of(repo, "target", "elasticsearch", "dist") : paths.dataDir().resolve("es-dist");
    int port = 0;
    if (Files.isRegularFile(portFile)) {
      try {
        port = Integer.parseInt(Files.readString(portFile).trim());
        if (!portFree(port)) {
          port = 0;
        }
      } catch (NumberFormatException e) {
        port = 0;
      }
    }
    LocalElasticsearch es = LocalElasticsearch.builder()
        .zip(Path.of(zip))
        .version(version)
        .distDir(dist)
        .instanceDir(instance)
        .javaHome(System.getProperty("mailtrace.es.javaHome"))
        .heap(System.getProperty("mailtrace.es.heap", "512m"))
        .httpPort(port)
        .build();
    es.start();
    Files.writeString(portFile, Integer.toString(es.httpPort()));
    return new DevElasticsearch(es.url(), es);
  }

  private static Optional<String> runningUrl(Path instance, Path portFile) {
    try {
      Path pidFile = instance.resolve("elasticsearch.pid");
      if (!Files.isRegularFile(pidFile) || !Files.isRegularFile(portFile)) {
        return Optional.empty();
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        String url = "http://127.0.0.1:" + Integer.parseInt(Files.readString(portFile).trim());
        if (LocalElasticsearch.isHealthy(url)) {
          return Optional.of(url);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unreadable or stale: start a new node
    }
    return Optional.empty();
  }

  private static boolean portFree(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String versionOf(Path zip) {
    String n = zip.getFileName().toString();
    return n.replaceFirst("^elasticsearch-", "").replaceFirst("\\.zip$", "");
  }

  @Override
  public void close() {
    if (started != null) {
      started.close();
    }
  }
}
