package io.mailtrace.app.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration could not be loaded; carries every problem found, not only the first. */
public final class ConfigException extends Exception {
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super("invalid configuration:\n" + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
