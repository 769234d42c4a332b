package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheEngine;
import io.cachemesh.sidecar.http.HostPort;
import io.cachemesh.sidecar.http.SharedIo;
import io.cachemesh.sidecar.origin.UpstreamClient;
import io.cachemesh.sidecar.relay.OriginRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.xnio.Options;

/**
 * The serving listener. The request chain, top to bottom:
 *
 * <ol>
 *   <li>graceful shutdown: counts requests in flight, refuses new ones once stopping;
 *   <li>{@link RequestSanityHandler}: malformed or ambiguous requests get a 4xx here and go no further;
 *   <li>{@link FastPathHandler}: a memory hit is written on the IO thread, a request the cache will
 *       not store is relayed to the origin from it ({@link OriginRelay});
 *   <li>{@link DispatchHandler}: onto a virtual thread;
 *   <li>{@link EngineHandler}: the engine's full path with the origin, then {@link ResponseWriter}.
 * </ol>
 *
 * Undertow's parser, configured below, has already refused bad request lines, oversized heads and
 * malformed fields before the first handler runs.
 */
public final class ProxyServer implements AutoCloseable {
  private final Undertow server;
  private final GracefulShutdownHandler shutdown;

  public ProxyServer(HostPort listen, SharedIo io, CacheEngine engine, UpstreamClient upstream, OriginRelay relay, ProxyLimits limits,
      MeterRegistry registry, ExecutorService virtualThreads) {
    HttpHandler chain =
        new RequestSanityHandler(limits.maxRequestBody(), registry,
            new FastPathHandler(engine, relay,
                new DispatchHandler(virtualThreads,
                    new EngineHandler(engine, upstream))));
    this.shutdown = new GracefulShutdownHandler(chain);
    Undertow.Builder builder = Undertow.builder()
        .addHttpListener(listen.port(), listen.host())
        .setHandler(shutdown)
        .setWorker(io.worker())
        .setByteBufferPool(io.buffers())
        .setServerOption(UndertowOptions.MAX_HEADER_SIZE, limits.maxHeaderBytes())
        .setServerOption(UndertowOptions.MAX_HEADERS, limits.maxHeaders())
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, limits.maxRequestBody())
        .setServerOption(UndertowOptions.DECODE_URL, false)
        .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, false)
        .setServerOption(UndertowOptions.ALLOW_ENCODED_SLASH, true)
        .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) limits.idleTimeout().toMillis())
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 10_000)
        .setSocketOption(Options.TCP_NODELAY, true)
        .setSocketOption(Options.BACKLOG, 1024);
    this.server = builder.build();
  }

  public void start() {
    server.start();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenerInfo().getFirst().getAddress();
  }

  /**
   * Stops accepting requests and waits for those in flight.
   *
   * @return whether every in-flight request finished within the timeout
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    shutdown.shutdown();
    return shutdown.awaitShutdown(timeout.toMillis());
  }

  @Override
  public void close() {
    server.stop();
  }
}
