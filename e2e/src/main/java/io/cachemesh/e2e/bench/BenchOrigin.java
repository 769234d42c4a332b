package io.cachemesh.e2e.bench;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The origin the benchmark puts behind every proxy: fixed bodies from memory, so the proxies, not
 * the origin, are what is measured. Routes: /1k and /32k (cacheable for an hour), /nostore (1 KiB,
 * no-store: pure pass-through), /slow (1 KiB after 20 ms, cacheable: what caching saves).
 */
public final class BenchOrigin {
  private BenchOrigin() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18000;
    ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
    PathHandler routes = new PathHandler()
        .addExactPath("/1k", fixed(1024, "public, max-age=3600"))
        .addExactPath("/32k", fixed(32 * 1024, "public, max-age=3600"))
        .addExactPath("/nostore", fixed(1024, "no-store"))
        .addExactPath("/slow", delayed(fixed(1024, "public, max-age=3600"), delays, 20));
    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setIoThreads(1)
        .setHandler(routes)
        .build();
    server.start();
    System.out.println("bench-origin listening=127.0.0.1:" + port);
  }

  private static HttpHandler fixed(int size, String cacheControl) {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) 'x');
    ByteBuffer shared = ByteBuffer.wrap(body).asReadOnlyBuffer();
    return exchange -> {
      exchange.getResponseHeaders()
          .put(Headers.CONTENT_TYPE, "text/plain")
          .put(Headers.CACHE_CONTROL, cacheControl);
      exchange.getResponseSender().send(shared.duplicate());
    };
  }

  // Delays without holding a thread, so the origin itself never becomes the bottleneck.
  private static HttpHandler delayed(HttpHandler next, ScheduledExecutorService delays, long millis) {
    return exchange -> exchange.dispatch(io.undertow.util.SameThreadExecutor.INSTANCE, () ->
        delays.schedule(() -> exchange.getIoThread().execute(() -> run(next, exchange)), millis, TimeUnit.MILLISECONDS));
  }

  private static void run(HttpHandler handler, HttpServerExchange exchange) {
    try {
      handler.handleRequest(exchange);
    } catch (Exception e) {
      exchange.setStatusCode(500);
      exchange.endExchange();
    }
  }
}
