package io.cachemesh.sidecar.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * Keep-alive connections to the origin owned by one IO thread: only that thread takes and returns
 * them, so there is no lock, and a request never waits for another thread's connection. The most
 * recently used is taken first (it is the least likely to have been closed by the origin); one
 * idle longer than the idle timeout is closed instead of used.
 *
 * <p>An idle connection keeps its interest in reads, as nginx keeps its idle upstream connections
 * in epoll: the origin closing it (or sending what nobody asked for) closes it here at once, and a
 * request that takes it changes only the listener, not the selector registration. Suspending reads
 * on release and resuming them on reuse was two {@code epoll_ctl} calls per relayed request.
 */
final class IdleConnections {
  private record Idle(StreamConnection connection, long sinceNanos) {}

  private final ArrayDeque<Idle> idle = new ArrayDeque<>();
  private final long idleTimeoutNanos;
  private final int max;

  IdleConnections(long idleTimeoutNanos, int max) {
    this.idleTimeoutNanos = idleTimeoutNanos;
    this.max = max;
  }

  /** A live idle connection, or null. */
  StreamConnection take(long nowNanos) {
    for (Idle i = idle.pollLast(); i != null; i = idle.pollLast()) {
      if (nowNanos - i.sinceNanos() < idleTimeoutNanos && i.connection().isOpen()) {
        return i.connection();
      }
      IoUtils.safeClose(i.connection());
    }
    return null;
  }

  /** Takes {@code connection} back; it must have no request in flight and its reads resumed. */
  void release(StreamConnection connection, long nowNanos) {
    while (!idle.isEmpty() && (idle.size() >= max || nowNanos - idle.peekFirst().sinceNanos() >= idleTimeoutNanos)) {
      IoUtils.safeClose(idle.pollFirst().connection());
    }
    if (max == 0) {
      IoUtils.safeClose(connection);
      return;
    }
    connection.getSourceChannel().getReadSetter().set(channel -> unexpectedInput(connection));
    idle.addLast(new Idle(connection, nowNanos));
  }

  /** Readable while idle: the origin closed the connection or broke the protocol; either way it goes. */
  private void unexpectedInput(StreamConnection connection) {
    if (readsNothing(connection)) {
      return;
    }
    idle.removeIf(i -> i.connection() == connection);
    IoUtils.safeClose(connection);
  }

  /** True for a spurious wake-up; false when the origin closed, reset or wrote to the connection. */
  private static boolean readsNothing(StreamConnection connection) {
    try {
      return connection.getSourceChannel().read(ByteBuffer.allocate(1)) == 0;
    } catch (IOException reset) {
      return false;
    }
  }

  int size() {
    return idle.size();
  }

  void closeAll() {
    for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
      IoUtils.safeClose(i.connection());
    }
  }
}
