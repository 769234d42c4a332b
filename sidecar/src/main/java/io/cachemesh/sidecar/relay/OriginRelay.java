package io.cachemesh.sidecar.relay;

import io.cachemesh.sidecar.engine.RelayPlan;
import io.cachemesh.sidecar.origin.UpstreamAddress;
import io.cachemesh.sidecar.origin.UpstreamMetrics;
import io.cachemesh.sidecar.origin.UpstreamRequest;
import io.cachemesh.sidecar.origin.UpstreamSettings;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.XnioIoThread;

/**
 * Relays requests that the cache will not store (bypassed, or known uncacheable) to the origin
 * without leaving the IO thread that received them, as nginx does: non-blocking sockets on the same
 * thread, keep-alive connections owned by that thread, the body streamed through one pooled buffer
 * with back-pressure both ways.
 *
 * <p>Why not the virtual-thread path for these: there a request crosses from the IO thread to a
 * virtual thread, parks on the origin's socket (the poller wakes it), and crosses back to write:
 * on two cores that hand-off cost more system time than the whole request (about half of
 * nginx's pass-through throughput). Requests that need the cache's judgement (misses, coalescing,
 * revalidation, unsafe methods, request bodies) keep that path.
 *
 * <p>Same settings as the blocking client: connect timeout, response timeout (to the response head),
 * read timeout (silence within the body), idle timeout and at most {@code maxIdle} idle connections
 * per IO thread.
 */
public final class OriginRelay {
  private final UpstreamAddress address;
  private final UpstreamSettings settings;
  private final UpstreamMetrics metrics;
  private final Clock clock;
  private final Map<XnioIoThread, IdleConnections> idle = new ConcurrentHashMap<>();

  public OriginRelay(UpstreamAddress address, UpstreamSettings settings, UpstreamMetrics metrics, Clock clock) {
    this.address = address;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Called on the exchange's IO thread; the exchange ends when the relay is done with it. */
  public void relay(HttpServerExchange exchange, UpstreamRequest request, RelayPlan plan) {
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> new RelayedExchange(this, exchange, request, plan).start());
  }

  UpstreamAddress address() {
    return address;
  }

  UpstreamSettings settings() {
    return settings;
  }

  UpstreamMetrics metrics() {
    return metrics;
  }

  Clock clock() {
    return clock;
  }

  IdleConnections idle(XnioIoThread thread) {
    return idle.computeIfAbsent(thread, t -> new IdleConnections(settings.idleTimeout().toNanos(), settings.maxIdle()));
  }

  /** Closes the idle connections, each on the thread that owns it. */
  public void close() {
    idle.forEach((thread, connections) -> thread.execute(connections::closeAll));
  }
}
