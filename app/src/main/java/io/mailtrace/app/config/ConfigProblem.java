package io.mailtrace.app.config;

/**
 * One thing wrong with the configuration.
 *
 * @param key the dotted key path (or the environment variable's key) at fault
 * @param value the offending value as given ({@code null} when missing)
 * @param message what is wrong and what is expected
 */
public record ConfigProblem(String key, String value, String message) {
  @Override
  public String toString() {
    return key + ": " + message + (value == null ? "" : " (got \"" + value + "\")");
  }
}
