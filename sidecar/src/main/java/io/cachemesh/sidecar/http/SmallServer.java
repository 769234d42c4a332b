package io.cachemesh.sidecar.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * A listener for low-traffic endpoints (admin, health, metrics): requests are handled in blocking
 * mode on a virtual thread, except those a listener answers at once on the IO thread (probes).
 */
public final class SmallServer implements AutoCloseable {
  private final Undertow server;

  public SmallServer(HostPort listen, SharedIo io, long maxRequestBody, ExecutorService virtualThreads,
      HttpHandler blockingHandler) {
    this(listen, io, maxRequestBody, virtualThreads, blockingHandler, exchange -> false);
  }

  /**
   * @param answeredOnIoThread answers a request without blocking and returns true, or returns false
   *     (having done nothing) to leave it to {@code blockingHandler}
   */
  public SmallServer(HostPort listen, SharedIo io, long maxRequestBody, ExecutorService virtualThreads,
      HttpHandler blockingHandler, Predicate<HttpServerExchange> answeredOnIoThread) {
    this.server = Undertow.builder()
        .addHttpListener(listen.port(), listen.host())
        .setWorker(io.worker())
        .setByteBufferPool(io.buffers())
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, maxRequestBody)
        .setHandler(exchange -> {
          if (!answeredOnIoThread.test(exchange)) {
            exchange.dispatch(virtualThreads, e -> {
              e.startBlocking();
              blockingHandler.handleRequest(e);
            });
          }
        })
        .build();
  }

  public void start() {
    server.start();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenerInfo().getFirst().getAddress();
  }

  @Override
  public void close() {
    server.stop();
  }
}
