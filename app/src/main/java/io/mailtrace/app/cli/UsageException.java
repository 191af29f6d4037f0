package io.mailtrace.app.cli;

/** A command-line mistake: printed as one line, exit code 2, never a stack trace. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message);
  }
}
