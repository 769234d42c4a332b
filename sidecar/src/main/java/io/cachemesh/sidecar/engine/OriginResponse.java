package io.cachemesh.sidecar.engine;

import java.io.Closeable;
import java.io.InputStream;

/**
 * A response head from the origin and its body as a stream. Closing it releases the connection
 * (back to the pool when the body was read to the end).
 *
 * @param requestTimeMillis when the request was sent (RFC 9111 request_time)
 * @param responseTimeMillis when the response head arrived (RFC 9111 response_time)
 * @param contentLength the declared length, or -1 when unknown (chunked)
 */
public record OriginResponse(
    int status, HeaderList headers, InputStream body, long contentLength, long requestTimeMillis,
    long responseTimeMillis) implements Closeable {
  @Override
  public void close() {
    try {
      body.close();
    } catch (java.io.IOException e) {
      // The connection is discarded by the client on a failed close; nothing is left to release.
    }
  }
}
