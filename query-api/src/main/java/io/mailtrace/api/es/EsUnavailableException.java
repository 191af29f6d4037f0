package io.mailtrace.api.es;

/** Elasticsearch could not be reached, timed out, or answered 429/503: a temporary condition. */
public class EsUnavailableException extends RuntimeException {
  public EsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
