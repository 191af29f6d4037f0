package io.mailtrace.ingest;

/** What happens to one record after Elasticsearch answered for it. */
public enum ItemOutcome {
  /** Indexed now. */
  CREATED,
  /** Already indexed earlier (409 on create): success. */
  DUPLICATE,
  /** Temporary refusal: send it again after a backoff. */
  RETRY,
  /** Refused for good: write it to the dead-letter file with the reason. */
  DEAD_LETTER
}
