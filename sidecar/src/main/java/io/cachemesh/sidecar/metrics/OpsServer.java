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
    this.server = new SmallServer(listen, io, 0, virtualThreads, this::handle);
  }

  public void start() {
    server.start();
  }

  public InetSocketAddress address() {
    return server.address();
  }

  private void handle(HttpServerExchange exchange) {
    switch (exchange.getRequestPath()) {
      case "/healthz" -> text(exchange, 200, "ok\n", "text/plain; charset=utf-8");
      case "/ready" -> {
        boolean isReady = ready.getAsBoolean();
        text(exchange, isReady ? 200 : 503, isReady ? "ready\n" : "not ready\n", "text/plain; charset=utf-8");
      }
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
