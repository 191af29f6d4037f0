package io.mailtrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BulkItemPolicyTest {
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(nullValues = "null", value = {
      "201, null, CREATED",
      "200, null, CREATED",
      "409, version_conflict_engine_exception, DUPLICATE",
      "429, es_rejected_execution_exception, RETRY",
      "500, null, RETRY",
      "503, unavailable_shards_exception, RETRY",
      "403, cluster_block_exception, RETRY",
      "429, cluster_block_exception, RETRY",
      "403, security_exception, DEAD_LETTER",
      "400, document_parsing_exception, DEAD_LETTER",
      "400, mapper_parsing_exception, DEAD_LETTER",
      "404, index_not_found_exception, DEAD_LETTER",
  })
  void classifiesEveryStatusOnce(int status, String type, ItemOutcome expected) {
    assertThat(BulkItemPolicy.classify(status, type)).isEqualTo(expected);
  }
}
