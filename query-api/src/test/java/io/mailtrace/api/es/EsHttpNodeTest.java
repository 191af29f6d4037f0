package io.mailtrace.api.es;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A configured Elasticsearch URL becomes host, port (the scheme's when absent), TLS and base path. */
class EsHttpNodeTest {
  @Test
  void portDefaultsToTheSchemesAndThePathIsKept() {
    assertThat(EsHttp.node("http://127.0.0.1:9200")).isEqualTo(new EsHttp.Node("127.0.0.1", 9200, false, ""));
    assertThat(EsHttp.node("https://es.example")).isEqualTo(new EsHttp.Node("es.example", 443, true, ""));
    assertThat(EsHttp.node("http://es.example/")).isEqualTo(new EsHttp.Node("es.example", 80, false, ""));
    assertThat(EsHttp.node("https://proxy.example:8443/es/")).isEqualTo(new EsHttp.Node("proxy.example", 8443, true, "/es"));
  }
}
