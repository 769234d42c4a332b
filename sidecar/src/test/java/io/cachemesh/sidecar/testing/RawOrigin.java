package io.cachemesh.sidecar.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** An origin on a raw socket, for what a well-behaved server cannot do: reset, hang, send garbage. */
public final class RawOrigin implements AutoCloseable {
  /** What to do with one accepted connection. */
  public interface Behaviour {
    void serve(Socket socket) throws IOException;
  }

  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();

  public RawOrigin(Behaviour behaviour) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          connections.incrementAndGet();
          Thread.ofVirtual().start(() -> {
            try (socket) {
              behaviour.serve(socket);
            } catch (IOException e) {
              // The proxy closing its side is part of every scenario here.
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  /** Reads one request head (up to the blank line); null when the connection closes first. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      state = switch (state) {
        case 0 -> b == '\r' ? 1 : 0;
        case 1 -> b == '\n' ? 2 : 0;
        case 2 -> b == '\r' ? 3 : 0;
        case 3 -> b == '\n' ? 4 : 0;
        default -> 0;
      };
      if (state == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  public static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  public int connections() {
    return connections.get();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
