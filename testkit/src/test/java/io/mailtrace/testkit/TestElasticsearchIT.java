package io.mailtrace.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtrace.devstack.LocalElasticsearch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class TestElasticsearchIT {

  @Test
  void aDedicatedNodeStartsAnswersAndStopsLeavingNoProcess() throws Exception {
    LocalElasticsearch es = TestElasticsearch.dedicated("smoke");
    try (es) {
      es.start();
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(es.url() + "/_cluster/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"number_of_nodes\":1");
      assertThat(es.url()).startsWith("http://127.0.0.1:");
      long pid = es.pid();
      assertThat(ProcessHandle.of(pid)).isPresent();
      es.close();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      // restart on the same port with the same data
      int port = es.httpPort();
      es.start();
      assertThat(es.httpPort()).isEqualTo(port);
      assertThat(LocalElasticsearch.isHealthy(es.url())).isTrue();
    }
  }
}
