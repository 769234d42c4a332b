package io.cachemesh.sidecar.testing;

import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Origins that fail before a response head, with the status the client must get and the
 * {@code cachemesh_upstream_errors_total} kind: the same matrix for every way to the origin.
 */
public final class FailingOrigins {
  private static final CountDownLatch NEVER = new CountDownLatch(1);

  private FailingOrigins() {}

  /** Arguments: name, {@link RawOrigin.Behaviour}, status, error kind. */
  public static Stream<Arguments> beforeTheHead() {
    return Stream.of(
        failing("reset before answering", socket -> socket.setSoLinger(true, 0), 502, "reset"),
        failing("closes without a response", socket -> { }, 502, "reset"),
        failing("hangs after reading the request", socket -> awaitNever(), 504, "timeout"),
        answering("sends garbage", "SSH-2.0-OpenSSH_9.6\r\n\r\n", 502, "protocol"),
        answering("sends a bad status code", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", 502, "protocol"),
        answering("sends Content-Length and chunked",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 502, "protocol"),
        answering("sends a CR LF injection in a header",
            "HTTP/1.1 200 OK\r\nX-A: b\rSet-Cookie: x\r\nContent-Length: 0\r\n\r\n", 502, "protocol"),
        answering("switches protocols unasked",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", 502, "protocol"),
        answering("sends an endless header", "HTTP/1.1 200 OK\r\nX-A: " + "a".repeat(100_000) + "\r\n\r\n",
            502, "protocol"));
  }

  /** Holds the connection open until the test ends (a hung origin). */
  public static void awaitNever() {
    try {
      NEVER.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Arguments answering(String name, String response, int status, String kind) {
    return failing(name, socket -> RawOrigin.write(socket, response), status, kind);
  }

  /** Reads the request head, then {@code after}. */
  private static Arguments failing(String name, RawOrigin.Behaviour after, int status, String kind) {
    RawOrigin.Behaviour behaviour = socket -> {
      RawOrigin.readHead(socket.getInputStream());
      after.serve(socket);
    };
    return Arguments.of(name, behaviour, status, kind);
  }
}
