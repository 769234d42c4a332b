package io.cachemesh.sidecar.proxy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.Executor;

/** Leaves the IO thread for a virtual thread: everything after this may block. */
final class DispatchHandler implements HttpHandler {
  private final Executor executor;
  private final HttpHandler next;

  DispatchHandler(Executor executor, HttpHandler next) {
    this.executor = executor;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    exchange.dispatch(executor, next);
  }
}
