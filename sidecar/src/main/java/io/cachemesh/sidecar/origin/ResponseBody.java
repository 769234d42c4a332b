package io.cachemesh.sidecar.origin;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The body of one origin response. Closing it after the last byte returns the connection to the
 * pool; closing it earlier, or after an error, closes the connection (its state is unknown).
 */
final class ResponseBody extends BlockInputStream {
  private final InputStream framed;
  private final UpstreamConnection connection;
  private final ConnectionPool pool;
  private final UpstreamMetrics metrics;
  private final boolean reusable;
  private boolean eof;
  private boolean failed;
  private boolean closed;

  ResponseBody(InputStream framed, UpstreamConnection connection, ConnectionPool pool, UpstreamMetrics metrics,
      boolean reusable, boolean empty) {
    this.framed = framed;
    this.connection = connection;
    this.pool = pool;
    this.metrics = metrics;
    this.reusable = reusable;
    this.eof = empty;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("response body is closed");
    }
    if (eof) {
      return -1;
    }
    try {
      int n = framed.read(b, off, len);
      if (n < 0) {
        eof = true;
      }
      return n;
    } catch (SocketTimeoutException e) {
      failed = true;
      metrics.error(UpstreamMetrics.ErrorKind.TIMEOUT);
      throw new OriginTimeoutException("origin sent no body bytes within the read timeout");
    } catch (OriginProtocolException e) {
      failed = true;
      metrics.error(UpstreamMetrics.ErrorKind.PROTOCOL);
      throw e;
    } catch (IOException e) {
      failed = true;
      metrics.error(UpstreamMetrics.ErrorKind.RESET);
      throw e;
    }
  }

  @Override
  public int available() throws IOException {
    return eof || closed ? 0 : framed.available();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (eof && reusable && !failed) {
      pool.release(connection);
    } else {
      connection.close();
    }
  }
}
