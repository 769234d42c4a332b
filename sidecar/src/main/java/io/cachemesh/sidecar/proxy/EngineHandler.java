package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheEngine;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.origin.ForwardingOrigin;
import io.cachemesh.sidecar.origin.UpstreamClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On a virtual thread: the engine's full path, with the origin bound to this client request. */
final class EngineHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(EngineHandler.class);
  private final CacheEngine engine;
  private final UpstreamClient upstream;

  EngineHandler(CacheEngine engine, UpstreamClient upstream) {
    this.engine = engine;
    this.upstream = upstream;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    exchange.startBlocking();
    ParsedRequest parsed = exchange.getAttachment(ParsedRequest.KEY);
    CacheResponse response;
    try {
      response = engine.handle(parsed.request(),
          new ForwardingOrigin(upstream, parsed.request(), parsed.body(), parsed.clientAddress()));
    } catch (RuntimeException e) {
      LOG.error("event=engine_failure method={} path={}", parsed.request().method(), parsed.request().path(), e);
      response = PassThroughEngine.error(500, "internal error in the cache");
    }
    ResponseWriter.writeBlocking(exchange, response);
  }
}
