package io.mailtrace.api.error;

/**
 * A failure with a known {@link ApiError} and a message safe to show to the client. Handlers
 * fail the routing context with it (or return a failed future); {@link FailureHandler} replies.
 */
public class ApiException extends RuntimeException {
  private final ApiError error;

  public ApiException(ApiError error, String message) {
    super(message, null, false, false); // no stack trace: these are expected outcomes
    this.error = error;
  }

  public ApiError error() {
    return error;
  }

  public static ApiException badParameter(String name, String why) {
    return new ApiException(ApiError.BAD_PARAMETER, "parameter '" + name + "': " + why);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(ApiError.UNAUTHORIZED, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(ApiError.FORBIDDEN, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(ApiError.NOT_FOUND, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(ApiError.UNAVAILABLE, message);
  }
}
