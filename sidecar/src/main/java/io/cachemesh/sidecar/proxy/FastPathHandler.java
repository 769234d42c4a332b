package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheEngine;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Optional;

/** On the IO thread: a memory hit is written without leaving it; everything else goes on. */
final class FastPathHandler implements HttpHandler {
  private final CacheEngine engine;
  private final HttpHandler next;

  FastPathHandler(CacheEngine engine, HttpHandler next) {
    this.engine = engine;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Optional<CacheResponse> hit = engine.tryServeFromMemory(exchange.getAttachment(ParsedRequest.KEY).request());
    if (hit.isPresent() && hit.get().body() != null) {
      ResponseWriter.writeFromIoThread(exchange, hit.get());
      return;
    }
    next.handleRequest(exchange);
  }
}
