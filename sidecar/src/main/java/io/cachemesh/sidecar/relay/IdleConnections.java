package io.cachemesh.sidecar.relay;

import java.util.ArrayDeque;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * Keep-alive connections to the origin owned by one IO thread: only that thread takes and returns
 * them, so there is no lock, and a request never waits for another thread's connection. The most
 * recently used is taken first (it is the least likely to have been closed by the origin); one
 * idle longer than the idle timeout is closed instead of used.
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

  void release(StreamConnection connection, long nowNanos) {
    while (!idle.isEmpty() && (idle.size() >= max || nowNanos - idle.peekFirst().sinceNanos() >= idleTimeoutNanos)) {
      IoUtils.safeClose(idle.pollFirst().connection());
    }
    if (max == 0) {
      IoUtils.safeClose(connection);
      return;
    }
    idle.addLast(new Idle(connection, nowNanos));
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
