package io.mailtrace.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VertxRuntimeTest {

  /** Where the app ships the native epoll library (app/pom.xml); everywhere else Vert.x stays on NIO. */
  private static boolean nativeExpected() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("aarch64"));
  }

  @ParameterizedTest(name = "metrics {0}")
  @ValueSource(booleans = {true, false})
  void usesNativeEpollWhereShippedAndItCarriesTcp(boolean metrics) throws Exception {
    VertxRuntime rt = VertxRuntime.create(metrics);
    try {
      assertThat(rt.vertx().isNativeTransportEnabled())
          .as("native transport (unavailable because: %s)", rt.vertx().unavailableNativeTransportCause())
          .isEqualTo(nativeExpected());

      NetServer server = rt.vertx().createNetServer()
          .connectHandler(s -> s.handler(s::write));
      await(server.listen(0, "127.0.0.1"));
      // Held in a variable and closed below: Vert.x 5 closes a NetClient, and its sockets, once
      // the client is unreachable, and a GC between connect and echo then broke this test.
      NetClient netClient = rt.vertx().createNetClient();
      NetSocket client = await(netClient.connect(server.actualPort(), "127.0.0.1"));
      var echoed = io.vertx.core.Promise.<Buffer>promise();
      Buffer got = Buffer.buffer();
      client.handler(b -> {
        got.appendBuffer(b);
        if (got.length() == 5) {
          echoed.tryComplete(got);
        }
      });
      client.write("hello");
      assertThat(await(echoed.future()).toString()).isEqualTo("hello");
      await(netClient.close());
    } finally {
      await(rt.vertx().close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
