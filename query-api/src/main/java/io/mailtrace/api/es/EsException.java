package io.mailtrace.api.es;

/** Elasticsearch answered with an error status other than "unavailable". */
public class EsException extends RuntimeException {
  private final int status;
  private final String type;

  public EsException(int status, String type, String reason) {
    super("elasticsearch " + status + " " + type + ": " + reason);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }
}
