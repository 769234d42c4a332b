package io.cachemesh.sidecar.origin;

import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.OriginResponse;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * A purpose-built HTTP/1.1 client for one origin: blocking sockets on virtual threads, a pool of
 * keep-alive connections, strict response parsing.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it refuses to send Host, Connection, Content-Length,
 * Expect and Upgrade as given, adds its own fields, buffers or re-frames bodies as it sees fit and
 * costs several allocations and a thread hand-off per request. A reverse proxy needs the exact
 * framing it chooses, the origin's raw headers (repeated fields in order) and a body stream with
 * back-pressure; on loopback this client is a few syscalls per request.
 *
 * <p>A request without a body that fails on a reused connection before any response byte arrived
 * is retried once on a new connection: the origin closed an idle connection as we reused it.
 */
public final class UpstreamClient implements AutoCloseable {
  private static final byte[] CRLF = {'\r', '\n'};
  private final UpstreamAddress address;
  private final UpstreamSettings settings;
  private final UpstreamMetrics metrics;
  private final Clock clock;
  private final ConnectionPool pool;

  public UpstreamClient(UpstreamAddress address, UpstreamSettings settings, UpstreamMetrics metrics, Clock clock) {
    this.address = address;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.pool = new ConnectionPool(settings.maxIdle(), settings.idleTimeout().toNanos());
  }

  public UpstreamAddress address() {
    return address;
  }

  /**
   * Sends the request and returns once the response head has arrived.
   *
   * @throws ConnectException when the origin refuses or cannot be reached in time
   * @throws SocketTimeoutException when no response head arrives within the response timeout
   * @throws OriginProtocolException when the origin sends something that is not HTTP/1.1
   * @throws IOException when the connection is reset or closed early
   */
  public OriginResponse send(UpstreamRequest request) throws IOException {
    UpstreamConnection pooled = pool.acquire();
    if (pooled != null) {
      try {
        return exchange(pooled, request);
      } catch (StaleConnection stale) {
        pooled.close();
        if (request.hasBody()) {
          metrics.error(UpstreamMetrics.ErrorKind.RESET);
          throw stale.cause;
        }
      }
    }
    UpstreamConnection fresh = connect();
    try {
      return exchange(fresh, request);
    } catch (StaleConnection stale) {
      fresh.close();
      metrics.error(UpstreamMetrics.ErrorKind.RESET);
      throw stale.cause;
    }
  }

  int idleConnections() {
    return pool.idleCount();
  }

  private UpstreamConnection connect() throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(address.host(), address.port()), (int) settings.connectTimeout().toMillis());
      return new UpstreamConnection(socket);
    } catch (SocketTimeoutException e) {
      socket.close();
      metrics.error(UpstreamMetrics.ErrorKind.CONNECT);
      throw new OriginTimeoutException("cannot connect to origin " + address + " within " + settings.connectTimeout().toMillis() + "ms");
    } catch (IOException e) {
      socket.close();
      metrics.error(UpstreamMetrics.ErrorKind.CONNECT);
      ConnectException out = new ConnectException("cannot connect to origin " + address + ": " + e.getMessage());
      out.initCause(e);
      throw out;
    }
  }

  private OriginResponse exchange(UpstreamConnection c, UpstreamRequest request) throws IOException {
    long requestTime = clock.millis();
    long start = System.nanoTime();
    long deadline = start + settings.responseTimeout().toNanos();
    boolean anyResponseByte = false;
    try {
      c.socket.setSoTimeout((int) settings.responseTimeout().toMillis());
      c.out.write(RequestHead.encode(request));
      if (request.hasBody()) {
        writeBody(c.out, request);
      }
      c.out.flush();
      ResponseHead head;
      do {
        head = HeadReader.read(c.in);
        anyResponseByte = true;
        if (System.nanoTime() - deadline > 0) {
          throw new SocketTimeoutException("response head took longer than the response timeout");
        }
        if (head.status() == 101) {
          throw new OriginProtocolException("origin switched protocols without being asked to");
        }
      } while (head.status() < 200);
      long responseTime = clock.millis();
      metrics.response(head.status(), System.nanoTime() - start);
      return respond(c, request, head, requestTime, responseTime);
    } catch (SocketTimeoutException e) {
      c.close();
      metrics.error(UpstreamMetrics.ErrorKind.TIMEOUT);
      throw new OriginTimeoutException("origin " + address + " sent no response within "
          + settings.responseTimeout().toMillis() + "ms");
    } catch (OriginProtocolException e) {
      c.close();
      metrics.error(UpstreamMetrics.ErrorKind.PROTOCOL);
      throw e;
    } catch (IOException e) {
      if (!anyResponseByte && c.reused()) {
        throw new StaleConnection(e);
      }
      c.close();
      metrics.error(UpstreamMetrics.ErrorKind.RESET);
      throw e instanceof EOFException ? e : new IOException("origin " + address + " reset the connection: " + e.getMessage(), e);
    }
  }

  private OriginResponse respond(UpstreamConnection c, UpstreamRequest request, ResponseHead head,
      long requestTime, long responseTime) throws IOException {
    ResponseFraming framing = ResponseFraming.of(request.method(), head);
    InputStream framed = switch (framing.kind()) {
      case NONE -> new ByteArrayInputStream(new byte[0]);
      case CHUNKED -> new ChunkedBody(c.in);
      case LENGTH -> new FixedLengthBody(c.in, framing.contentLength());
      case UNTIL_CLOSE -> c.in;
    };
    c.socket.setSoTimeout((int) settings.readTimeout().toMillis());
    HeaderList out = Forwarding.responseFields(head.headers());
    ResponseBody body = new ResponseBody(framed, c, pool, metrics, framing.reusable(), framing.kind() == ResponseFraming.Kind.NONE);
    return new OriginResponse(head.status(), out, body, framing.contentLength(), requestTime, responseTime);
  }

  private static void writeBody(OutputStream out, UpstreamRequest request) throws IOException {
    byte[] buf = new byte[16 * 1024];
    InputStream in = request.body();
    if (request.bodyLength() > 0) {
      long remaining = request.bodyLength();
      while (remaining > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
        if (n < 0) {
          throw new EOFException("client body ended " + remaining + " bytes early");
        }
        out.write(buf, 0, n);
        remaining -= n;
      }
      return;
    }
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      if (n > 0) {
        out.write(Integer.toHexString(n).getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
        out.write(buf, 0, n);
        out.write(CRLF);
      }
    }
    out.write(new byte[] {'0', '\r', '\n', '\r', '\n'});
  }

  @Override
  public void close() {
    pool.close();
  }

  /** A failure on a reused connection before any response byte: the request may be replayed. */
  private static final class StaleConnection extends IOException {
    final IOException cause;

    StaleConnection(IOException cause) {
      super(cause);
      this.cause = cause;
    }
  }
}
