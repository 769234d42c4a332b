package io.cachemesh.sidecar.origin;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle keep-alive connections, most recently used first (LIFO keeps few connections warm and lets
 * the rest age out). Lock-free: acquire and release are on every request's path.
 */
final class ConnectionPool implements AutoCloseable {
  private final ConcurrentLinkedDeque<UpstreamConnection> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int maxIdle;
  private final long idleTimeoutNanos;
  private volatile boolean closed;

  ConnectionPool(int maxIdle, long idleTimeoutNanos) {
    this.maxIdle = maxIdle;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /** A live idle connection, or null when none is left. */
  UpstreamConnection acquire() {
    long now = System.nanoTime();
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      size.decrementAndGet();
      if (now - c.idleSinceNanos() < idleTimeoutNanos && !c.socket.isClosed()) {
        return c;
      }
      c.close();
    }
    return null;
  }

  void release(UpstreamConnection c) {
    if (closed || size.incrementAndGet() > maxIdle) {
      size.decrementAndGet();
      c.close();
      return;
    }
    c.markIdle(System.nanoTime());
    idle.offerFirst(c);
    if (closed) {
      close();
    }
  }

  int idleCount() {
    return size.get();
  }

  @Override
  public void close() {
    closed = true;
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      size.decrementAndGet();
      c.close();
    }
  }
}
