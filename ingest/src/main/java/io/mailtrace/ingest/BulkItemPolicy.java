package io.mailtrace.ingest;

/**
 * The one place deciding what a bulk item result means. Order matters: a 403 is temporary only
 * when it is a cluster block (read-only index after a disk watermark, a closed cluster).
 */
public final class BulkItemPolicy {
  private BulkItemPolicy() {}

  public static ItemOutcome classify(int status, String errorType) {
    if (status >= 200 && status < 300) {
      return ItemOutcome.CREATED;
    }
    if (status == 409) {
      return ItemOutcome.DUPLICATE;
    }
    if (status == 429 || status >= 500) {
      return ItemOutcome.RETRY;
    }
    if (status == 403 && errorType != null && errorType.contains("cluster_block_exception")) {
      return ItemOutcome.RETRY;
    }
    // 400 mapping/parse errors, 404 with auto-create off, other 4xx: retrying cannot help
    return ItemOutcome.DEAD_LETTER;
  }
}
