package io.cachemesh.sidecar.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;

/**
 * A listener for low-traffic endpoints (admin, health, metrics): one IO thread, and every request
 * handled in blocking mode on a virtual thread.
 */
public final class SmallServer implements AutoCloseable {
  private final Undertow server;

  public SmallServer(HostPort listen, SharedIo io, long maxRequestBody, ExecutorService virtualThreads,
      HttpHandler blockingHandler) {
    this.server = Undertow.builder()
        .addHttpListener(listen.port(), listen.host())
        .setWorker(io.worker())
        .setByteBufferPool(io.buffers())
        .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, maxRequestBody)
        .setHandler(exchange -> exchange.dispatch(virtualThreads, e -> {
          e.startBlocking();
          blockingHandler.handleRequest(e);
        }))
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
