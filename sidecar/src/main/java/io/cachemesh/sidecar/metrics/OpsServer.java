package io.cachemesh.sidecar.metrics;

import io.cachemesh.sidecar.http.HostPort;
import io.cachemesh.sidecar.http.SharedIo;
import io.cachemesh.sidecar.http.SmallServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;

/**
 * Health and metrics, on their own port so that probes and scrapes never share a listener (or a
 * fate) with the admin API or the traffic: {@code /healthz} (the process answers), {@code /ready}
 * (serving with a config), {@code /metrics} (Prometheus text).
 */
public final class OpsServer implements AutoCloseable {
  private final SmallServer server;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier ready;

  public OpsServer(HostPort listen, SharedIo io, PrometheusMeterRegistry registry, BooleanSupplier ready,
      ExecutorService virtualThreads) {
    this.registry = registry;
    this.ready = ready;
    this.server = new SmallServer(listen, io, 0, virtualThreads, this::handle, this::probe);
  }

  public void start() {
    server.start();
  }

  public InetSocketAddress address() {
    return server.address();
  }

  /**
   * Probes are answered on the IO thread: they are cheap, they come every few seconds for the life
   * of the pod, and the first one (the start-up measurement's) then does not wait for a virtual
   * thread and blocking streams to warm up.
   */
  private boolean probe(HttpServerExchange exchange) {
    String path = exchange.getRequestPath();
    if (!path.equals("/healthz") && !path.equals("/ready")) {
      return false;
    }
    boolean ok = path.equals("/healthz") || ready.getAsBoolean();
    exchange.setStatusCode(ok ? 200 : 503);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    String body = path.equals("/healthz") ? "ok\n" : ok ? "ready\n" : "not ready\n";
    exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
    return true;
  }

  private void handle(HttpServerExchange exchange) {
    switch (exchange.getRequestPath()) {
      case "/metrics" -> text(exchange, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8");
      default -> text(exchange, 404, "not found: /healthz, /ready, /metrics\n", "text/plain; charset=utf-8");
    }
  }

  private static void text(HttpServerExchange exchange, int status, String body, String type) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
    try (java.io.OutputStream out = exchange.getOutputStream()) {
      out.write(bytes);
    } catch (java.io.IOException e) {
      // The prober or scraper hung up; there is nobody left to answer.
      exchange.setPersistent(false);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
