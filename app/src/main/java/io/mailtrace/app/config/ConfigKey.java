package io.mailtrace.app.config;

import java.util.Locale;

/**
 * One leaf key of the configuration file: its dotted path, type, default (as written in YAML)
 * and a one-line description. The schema ({@link ConfigSchema}) is the single source for the
 * loader, the environment variable names and the documented example file.
 *
 * @param path dotted path, e.g. {@code signer.listen.port}
 * @param type how the value is parsed and checked
 * @param defaultValue the default in YAML scalar form ({@code ""} = none; lists comma-separated)
 * @param doc what the key does
 */
public record ConfigKey(String path, ConfigType type, String defaultValue, String doc) {

  /** {@code signer.listen.port} → {@code MAILTRACE_SIGNER_LISTEN_PORT}. */
  public String envName() {
    return "MAILTRACE_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
  }
}
