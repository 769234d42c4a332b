package io.cachemesh.sidecar.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP origin on a random loopback port: routes by path prefix, counts hits, records requests. */
public final class TestOrigin implements AutoCloseable {
  /** What the origin saw of one request. */
  public record Seen(String method, String uri, Map<String, java.util.List<String>> headers, byte[] body) {
    public String header(String name) {
      for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return String.join(", ", e.getValue());
        }
      }
      return null;
    }
  }

  /** A route's behaviour. */
  public interface Route {
    void handle(HttpExchange exchange, byte[] body) throws IOException;
  }

  private final HttpServer server;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  public final LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

  public TestOrigin() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    route("/", (ex, body) -> respond(ex, 200, "text/plain", ("hello " + ex.getRequestURI()).getBytes()));
    server.start();
  }

  public TestOrigin route(String prefix, Route route) {
    server.createContext(prefix, exchange -> {
      try (exchange) {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        total.incrementAndGet();
        hits.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
            Map.copyOf(exchange.getRequestHeaders()), body));
        route.handle(exchange, body);
      }
    });
    return this;
  }

  public static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head || status == 304 || status == 204 ? -1 : body.length == 0 ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  public int totalHits() {
    return total.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
