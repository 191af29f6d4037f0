package io.mailtrace.app.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code mailtrace run --roles <role>} child JVM on the shaded jar, its output appended to a
 * log file (one per process name, across restarts). Started processes are SIGKILLed by
 * {@link #close()} if still alive.
 */
public final class MailtraceProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final Path jar;
  private final Path config;
  private final String role;
  private final Path log;
  private Process process;

  public MailtraceProcess(Path jar, Path config, String role, Path log) {
    this.jar = jar;
    this.config = config;
    this.role = role;
    this.log = log;
  }

  /** Starts the process and waits for its "running roles" line. */
  public synchronized MailtraceProcess start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(role + " is already running");
    }
    long from = Files.exists(log) ? Files.size(log) : 0;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory",
        "-jar", jar.toString(), "run", "--config", config.toString(), "--roles", role))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    Poll.until(READY_TIMEOUT, role + " started (see " + log + ")", () -> {
      String out = since(from);
      if (!process.isAlive()) {
        throw new AssertionError(role + " exited with " + process.exitValue() + ":\n" + out);
      }
      return out.contains("running roles");
    });
    return this;
  }

  /** SIGKILL: no shutdown hook runs. */
  public synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(role + " survived SIGKILL");
    }
  }

  /** SIGTERM and wait for the graceful stop; returns the exit code. */
  public synchronized int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(role + " did not stop within " + timeout.toSeconds() + " s of SIGTERM (see " + log + ")");
    }
    return process.exitValue();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The log written since byte offset {@code from}. */
  public String since(long from) {
    try {
      byte[] all = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
      int start = (int) Math.min(from, all.length);
      return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  public long logSize() {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
