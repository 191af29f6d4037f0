package io.mailtrace.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void quotesPerRfc4180() {
    assertThat(Csv.row(List.of("plain", "a,b", "say \"hi\"", "two\nlines", "cr\rx"))).isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rx\"\r\n");
    assertThat(Csv.row(Arrays.asList(null, "", "x"))).isEqualTo(",,x\r\n");
  }

  @Test
  void cellsThatSpreadsheetsWouldEvaluateArePrefixed() {
    for (String s : List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")) {
      String row = Csv.row(List.of(s));
      assertThat(row.replace("\"", "")).startsWith("'");
    }
    assertThat(Csv.row(List.of("=HYPERLINK(\"x\")"))).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"\r\n");
    assertThat(Csv.row(List.of("a=1"))).isEqualTo("a=1\r\n");
  }
}
