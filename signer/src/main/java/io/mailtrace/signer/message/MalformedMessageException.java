package io.mailtrace.signer.message;

import java.util.Objects;

/** A message whose header section cannot be used; the text says exactly what and where. */
public final class MalformedMessageException extends RuntimeException {
  private final MessageProblem problem;

  public MalformedMessageException(MessageProblem problem, String message) {
    super(message);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  public MessageProblem problem() {
    return problem;
  }
}
