package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheEngine;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.origin.ForwardingOrigin;
import io.cachemesh.sidecar.origin.RequestBody;
import io.cachemesh.sidecar.origin.UpstreamClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a virtual thread: the engine's full path, with the origin bound to this client request. A
 * buffered response (a hit, or a small body read whole by {@link SmallBody}) is handed back to the
 * connection's IO thread to be written, as on the fast path; only streams are written from here.
 */
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
    ParsedRequest parsed = exchange.getAttachment(ParsedRequest.KEY);
    if (parsed.body() != RequestBody.NONE) {
      exchange.startBlocking(); // the request body is read as a stream on this thread
    }
    CacheResponse response;
    try {
      response = engine.handle(parsed.request(),
          new ForwardingOrigin(upstream, parsed.request(), parsed.body(), parsed.clientAddress()));
    } catch (RuntimeException e) {
      LOG.error("event=engine_failure method={} path={}", parsed.request().method(), parsed.request().path(), e);
      response = PassThroughEngine.error(500, "internal error in the cache");
    }
    if (!exchange.isBlocking()) {
      CacheResponse buffered = buffered(exchange, parsed.request().method(), response);
      if (buffered != null) {
        exchange.dispatch(exchange.getIoThread(), io -> ResponseWriter.writeFromIoThread(io, buffered));
        return;
      }
      exchange.startBlocking();
    }
    ResponseWriter.writeBlocking(exchange, response);
  }

  /** The response as a buffered one, or null when it must stream. */
  private static CacheResponse buffered(HttpServerExchange exchange, String method, CacheResponse response) {
    if (response.body() != null) {
      return response;
    }
    try {
      Optional<CacheResponse> small = SmallBody.read(method, response);
      return small.orElse(null);
    } catch (IOException e) {
      LOG.debug("event=response_aborted path={} reason=\"{}\"", exchange.getRequestPath(), e.getMessage());
      exchange.setPersistent(false);
      return PassThroughEngine.error(502, "origin failed while sending the response");
    }
  }
}
