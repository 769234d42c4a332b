package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheEngine;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.Route;
import io.cachemesh.sidecar.origin.Forwarding;
import io.cachemesh.sidecar.origin.RequestBody;
import io.cachemesh.sidecar.origin.UpstreamRequest;
import io.cachemesh.sidecar.relay.OriginRelay;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * On the IO thread: a memory hit is written without leaving it, a request the cache will not store
 * is relayed to the origin without leaving it ({@link OriginRelay}); everything else goes on.
 */
final class FastPathHandler implements HttpHandler {
  private final CacheEngine engine;
  private final OriginRelay relay;
  private final HttpHandler next;

  FastPathHandler(CacheEngine engine, OriginRelay relay, HttpHandler next) {
    this.engine = engine;
    this.relay = relay;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    ParsedRequest parsed = exchange.getAttachment(ParsedRequest.KEY);
    switch (engine.route(parsed.request())) {
      case Route.Serve serve when serve.response().body() != null -> ResponseWriter.writeFromIoThread(exchange, serve.response());
      // A request body is read as a stream on a virtual thread (the full path forwards it).
      case Route.Relay pass when parsed.body() == RequestBody.NONE -> relay.relay(exchange, upstream(parsed), pass.plan());
      default -> next.handleRequest(exchange);
    }
  }

  private static UpstreamRequest upstream(ParsedRequest parsed) {
    CacheRequest request = parsed.request();
    return new UpstreamRequest(request.method(), request.pathAndQuery(),
        Forwarding.headers(request, HeaderList.EMPTY, parsed.clientAddress()), null, 0);
  }
}
