package io.mailtrace.api.testsupport;

import io.mailtrace.api.ApiConfig;
import io.mailtrace.api.ApiVerticle;
import io.vertx.core.Vertx;
import java.util.List;

/** Runs the API alone in a child JVM (for heap-bounded tests and the benchmark): args = ES URL, JWT secret. Prints {@code PORT <n>}. */
public final class ApiMain {
  private ApiMain() {}

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    ApiVerticle v = new ApiVerticle(ApiConfig.of("127.0.0.1", args.length > 2 ? Integer.parseInt(args[2]) : 0, args[1], List.of(args[0])));
    vertx.deployVerticle(v)
        .onSuccess(id -> System.out.println("PORT " + v.actualPort()))
        .onFailure(e -> {
          System.out.println("FAILED " + e);
          System.exit(2);
        });
  }
}
