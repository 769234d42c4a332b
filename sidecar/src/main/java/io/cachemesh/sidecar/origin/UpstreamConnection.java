package io.cachemesh.sidecar.origin;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.Socket;

/** One keep-alive TCP connection to the origin, used by one request at a time. */
final class UpstreamConnection implements AutoCloseable {
  private static final int BUFFER = 16 * 1024;
  final Socket socket;
  final BufferedInputStream in;
  final BufferedOutputStream out;
  private long idleSinceNanos;
  private boolean reused;

  UpstreamConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
    this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
  }

  void markIdle(long nowNanos) {
    idleSinceNanos = nowNanos;
    reused = true;
  }

  long idleSinceNanos() {
    return idleSinceNanos;
  }

  /** Whether it served a request before: a failure before any response byte may then be a stale connection. */
  boolean reused() {
    return reused;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket that fails to close leaves nothing to release.
    }
  }
}
