package io.mailtrace.api.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The DKIM OpenAPI fragment lists exactly the routes DkimRoutes mounts. */
class DkimOpenApiTest {
  @Test
  void fragmentMatchesTheRoutes() throws Exception {
    String yaml;
    try (InputStream in = DkimRoutes.class.getResourceAsStream("openapi-dkim.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Set<String> documented = new TreeSet<>();
    Pattern path = Pattern.compile("^  (/\\S*):\\s*$");
    Pattern method = Pattern.compile("^    (get|put|post|delete|patch):\\s*$");
    String current = null;
    for (String line : yaml.split("\n")) {
      if (line.startsWith("components:")) {
        break;
      }
      Matcher p = path.matcher(line);
      if (p.matches()) {
        current = p.group(1);
      }
      Matcher m = method.matcher(line);
      if (current != null && m.matches()) {
        documented.add(m.group(1).toUpperCase() + " " + current);
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      Router v1 = Router.router(vertx);
      new DkimRoutes(new FakeKeyService()).mount(v1, null);
      Set<String> served = new TreeSet<>();
      for (Route r : v1.getRoutes()) {
        if (r.getPath() != null && r.methods() != null && !r.methods().isEmpty()) {
          r.methods().forEach(m -> served.add(m.name() + " " + r.getPath().replaceAll(":([A-Za-z_]+)", "{$1}")));
        }
      }
      assertThat(served).isEqualTo(documented).hasSize(4);
    } finally {
      vertx.close();
    }
  }
}
