package io.mailtrace.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 proxy on 127.0.0.1 in front of Elasticsearch that injects faults into
 * {@code _bulk} requests, decided per request by a {@link BulkRule}: answer 429 for the whole
 * request, answer 429 for some items (those items are withheld from Elasticsearch, the rest are
 * forwarded and the two answers merged in request order, as Elasticsearch itself would answer),
 * or forward the request, read Elasticsearch's answer and then reset the client connection (the
 * answer is lost after the work was done), or forward it with some items' {@code client_ip} replaced
 * by a value that is not an IP address (a mapping conflict Elasticsearch refuses with a 400 for
 * those items only). Every other request passes through unchanged.
 *
 * <p>Every {@code _bulk} request is recorded with its arrival time and the {@code _id}s it
 * carried, so a test can check what was re-sent and when. Thread per connection (blocking I/O);
 * fine for tests, never for production.
 */
public final class FaultProxy implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the proxy does with one bulk request. */
  public enum Kind { PASS, REJECT_REQUEST_429, REJECT_ITEMS_429, CUT_AFTER_FORWARD, CORRUPT_ITEMS }

  /** The {@code client_ip} {@link Kind#CORRUPT_ITEMS} writes into the chosen items' sources. */
  public static final String CORRUPT_CLIENT_IP = "not-an-ip-address";

  /**
   * A verdict for one bulk request.
   *
   * @param kind what to do
   * @param rejectedItems indices (0-based, in request order) of the items answered 429 (only for
   *     {@link Kind#REJECT_ITEMS_429}) or corrupted (only for {@link Kind#CORRUPT_ITEMS})
   */
  public record Decision(Kind kind, Set<Integer> rejectedItems) {
    public static final Decision PASS = new Decision(Kind.PASS, Set.of());
    public static final Decision REJECT_REQUEST = new Decision(Kind.REJECT_REQUEST_429, Set.of());
    public static final Decision CUT = new Decision(Kind.CUT_AFTER_FORWARD, Set.of());

    public static Decision rejectItems(Set<Integer> indices) {
      return indices.isEmpty() ? PASS : new Decision(Kind.REJECT_ITEMS_429, Set.copyOf(indices));
    }

    /** Forwards the request with these items' {@code client_ip} set to {@link #CORRUPT_CLIENT_IP}. */
    public static Decision corruptItems(Set<Integer> indices) {
      return indices.isEmpty() ? PASS : new Decision(Kind.CORRUPT_ITEMS, Set.copyOf(indices));
    }
  }

  /** Decides the fate of the {@code seq}-th bulk request (0-based) carrying these ids. Called on proxy threads. */
  @FunctionalInterface
  public interface BulkRule {
    Decision decide(int seq, List<String> ids);
  }

  /**
   * One bulk request as the proxy saw it.
   *
   * @param seq arrival order (0-based)
   * @param arrivedNanos {@link System#nanoTime()} when its body had been read
   * @param ids the {@code _id} of every action, in order
   * @param decision what the proxy did with it
   */
  public record BulkSeen(int seq, long arrivedNanos, List<String> ids, Decision decision) {}

  private final String target;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final List<BulkSeen> seen = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private volatile BulkRule rule = (seq, ids) -> Decision.PASS;
  private volatile boolean closed;

  private FaultProxy(String target, ServerSocket server) {
    this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
    this.server = server;
  }

  /** Starts a proxy on a free port of 127.0.0.1 forwarding to {@code targetUrl} (e.g. {@code http://127.0.0.1:9200}). */
  public static FaultProxy start(String targetUrl) {
    try {
      ServerSocket s = new ServerSocket();
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      FaultProxy p = new FaultProxy(targetUrl, s);
      p.threads.execute(p::acceptLoop);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The proxy's base URL, to give to the client instead of Elasticsearch's. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Replaces the rule for the following bulk requests. */
  public void rule(BulkRule rule) {
    this.rule = rule;
  }

  /** Every bulk request seen so far, in arrival order. */
  public List<BulkSeen> bulks() {
    List<BulkSeen> copy = new ArrayList<>(seen);
    copy.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
    return copy;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        sockets.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private record Request(String method, String path, Map<String, String> headers, byte[] body) {}

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        Request req = read(in);
        if (req == null) {
          return;
        }
        boolean keepOpen = !"close".equalsIgnoreCase(req.headers.getOrDefault("connection", ""));
        if (req.path.startsWith("/_bulk") && req.method.equals("POST")) {
          if (!bulk(req, out, socket)) {
            return;
          }
        } else {
          HttpResponse<byte[]> r = forward(req.method, req.path, req.headers.get("content-type"), req.body);
          write(out, r.statusCode(), r.headers().firstValue("content-type").orElse("application/json"),
              req.method.equals("HEAD") ? new byte[0] : r.body());
        }
        if (!keepOpen) {
          return;
        }
      }
    } catch (IOException e) {
      // client went away or the proxy was closed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sockets.remove(socket);
    }
  }

  /** Handles one bulk request; false when the connection was cut on purpose. */
  private boolean bulk(Request req, OutputStream out, Socket socket) throws IOException, InterruptedException {
    List<byte[][]> actions = parseBulk(req.body);
    List<String> ids = new ArrayList<>(actions.size());
    for (byte[][] a : actions) {
      ids.add(JSON.readTree(a[0]).elements().next().path("_id").asText(null));
    }
    int seq = sequence.getAndIncrement();
    long arrived = System.nanoTime();
    Decision d = rule.decide(seq, List.copyOf(ids));
    seen.add(new BulkSeen(seq, arrived, List.copyOf(ids), d));
    String ct = req.headers.getOrDefault("content-type", "application/x-ndjson");
    switch (d.kind()) {
      case PASS -> {
        HttpResponse<byte[]> r = forward("POST", req.path, ct, req.body);
        write(out, r.statusCode(), r.headers().firstValue("content-type").orElse("application/json"), r.body());
      }
      case REJECT_REQUEST_429 -> write(out, 429, "application/json", ("{\"error\":{\"root_cause\":[],\"type\":\"es_rejected_execution_exception\","
          + "\"reason\":\"rejected execution of bulk (FaultProxy)\"},\"status\":429}").getBytes(StandardCharsets.UTF_8));
      case CUT_AFTER_FORWARD -> {
        forward("POST", req.path, ct, req.body); // Elasticsearch does the work ...
        socket.setSoLinger(true, 0); // ... and the answer is lost: RST instead of a response
        socket.close();
        return false;
      }
      case CORRUPT_ITEMS -> {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < actions.size(); i++) {
          byte[][] a = actions.get(i);
          for (int l = 0; l < a.length; l++) {
            byte[] line = a[l];
            if (l == 1 && d.rejectedItems().contains(i)) {
              ObjectNode source = (ObjectNode) JSON.readTree(line);
              source.put("client_ip", CORRUPT_CLIENT_IP);
              line = JSON.writeValueAsBytes(source);
            }
            body.write(line);
            body.write('\n');
          }
        }
        HttpResponse<byte[]> r = forward("POST", req.path, ct, body.toByteArray());
        write(out, r.statusCode(), r.headers().firstValue("content-type").orElse("application/json"), r.body());
      }
      case REJECT_ITEMS_429 -> {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        for (int i = 0; i < actions.size(); i++) {
          if (!d.rejectedItems().contains(i)) {
            for (byte[] line : actions.get(i)) {
              kept.write(line);
              kept.write('\n');
            }
          }
        }
        JsonNode esItems = JSON.createArrayNode();
        if (kept.size() > 0) {
          HttpResponse<byte[]> r = forward("POST", req.path, ct, kept.toByteArray());
          if (r.statusCode() != 200) {
            write(out, r.statusCode(), "application/json", r.body());
            return true;
          }
          esItems = JSON.readTree(r.body()).path("items");
        }
        ObjectNode merged = JSON.createObjectNode();
        merged.put("errors", true);
        ArrayNode items = merged.putArray("items");
        int next = 0;
        for (int i = 0; i < actions.size(); i++) {
          if (d.rejectedItems().contains(i)) {
            String op = JSON.readTree(actions.get(i)[0]).fieldNames().next();
            ObjectNode item = items.addObject().putObject(op);
            item.put("status", 429);
            item.putObject("error").put("type", "es_rejected_execution_exception")
                .put("reason", "rejected execution of item (FaultProxy)");
          } else {
            items.add(esItems.get(next++));
          }
        }
        write(out, 200, "application/json", JSON.writeValueAsBytes(merged));
      }
    }
    return true;
  }

  /** Splits an NDJSON bulk body into actions: the action line, plus the source line unless it is a delete. */
  private static List<byte[][]> parseBulk(byte[] body) throws IOException {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == '\n') {
        if (i > start) {
          lines.add(java.util.Arrays.copyOfRange(body, start, i));
        }
        start = i + 1;
      }
    }
    if (start < body.length) {
      lines.add(java.util.Arrays.copyOfRange(body, start, body.length));
    }
    List<byte[][]> actions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String op = JSON.readTree(lines.get(i)).fieldNames().next();
      if (op.equals("delete")) {
        actions.add(new byte[][] {lines.get(i)});
      } else {
        actions.add(new byte[][] {lines.get(i), lines.get(++i)});
      }
    }
    return actions;
  }

  private HttpResponse<byte[]> forward(String method, String path, String contentType, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + path)).timeout(Duration.ofSeconds(60))
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("content-type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void write(OutputStream out, int status, String contentType, byte[] body) throws IOException {
    String head = "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Status") + "\r\n"
        + "content-type: " + contentType + "\r\n"
        + "content-length: " + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  /** Reads one request (Content-Length or chunked body); null at a clean end of stream. */
  private static Request read(InputStream in) throws IOException {
    String requestLine = line(in);
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length < 2) {
      throw new IOException("bad request line: " + requestLine);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String h;
    while ((h = line(in)) != null && !h.isEmpty()) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
    }
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line(in);
        if (size == null) {
          throw new EOFException("end of stream in a chunked body");
        }
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          while ((h = line(in)) != null && !h.isEmpty()) {
            // trailers
          }
          break;
        }
        b.write(in.readNBytes(n));
        line(in);
      }
      body = b.toByteArray();
    } else {
      int n = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      body = in.readNBytes(n);
      if (body.length != n) {
        throw new EOFException("end of stream in a body");
      }
    }
    return new Request(parts[0], parts[1], headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
  }
}
