package io.mailtrace.api.error;

/**
 * The closed set of errors the API answers with: each has one HTTP status and one stable
 * {@code code} that clients may switch on. Mapped to replies in one place, {@link FailureHandler}.
 */
public enum ApiError {
  /** A query or path parameter is malformed, unknown or out of range; the message names it. */
  BAD_PARAMETER(400, "bad_parameter"),
  /** The request body is malformed. */
  BAD_REQUEST(400, "bad_request"),
  /** No token, or an expired, forged or malformed one. */
  UNAUTHORIZED(401, "unauthorized"),
  /** Authenticated, but the role or the domain scope does not allow this. */
  FORBIDDEN(403, "forbidden"),
  /** No such resource (or not visible to the caller: never says which). */
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  /** The resource is in a state that does not allow this change. */
  CONFLICT(409, "conflict"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  /** A dependency (Elasticsearch) is unavailable; retry later (Retry-After is set). */
  UNAVAILABLE(503, "unavailable"),
  /** A bug on our side; details are logged, never returned. */
  INTERNAL(500, "internal");

  private final int status;
  private final String code;

  ApiError(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
