package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.http.HopByHop;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link CacheResponse}: a buffered body with its exact length, or a prefix and a stream
 * copied through a fixed buffer. The copy blocks (on a virtual thread) while the client is slow, so
 * a large object never sits whole in memory; it flushes whenever the origin pauses, so a trickling
 * stream reaches the client as it comes.
 */
public final class ResponseWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseWriter.class);
  private static final int COPY_BUFFER = 16 * 1024;

  private ResponseWriter() {}

  public static void writeFromIoThread(HttpServerExchange exchange, CacheResponse response) {
    head(exchange, response, response.body().length);
    exchange.getResponseSender().send(ByteBuffer.wrap(response.body()));
  }

  static void writeBlocking(HttpServerExchange exchange, CacheResponse response) {
    InputStream stream = response.stream();
    try (stream) {
      if (response.body() != null) {
        head(exchange, response, response.body().length);
        try (OutputStream out = exchange.getOutputStream()) {
          out.write(response.body());
        }
        return;
      }
      head(exchange, response, -1);
      try (OutputStream out = exchange.getOutputStream()) {
        if (response.bufferedPrefix() != null) {
          out.write(response.bufferedPrefix());
        }
        copy(stream, out);
      }
    } catch (IOException e) {
      abort(exchange, e);
    }
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    if (in == null) {
      return;
    }
    byte[] buf = new byte[COPY_BUFFER];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      out.write(buf, 0, n);
      if (in.available() == 0) {
        out.flush();
      }
    }
  }

  /**
   * A failure mid-response (origin or client gone): the status line is already sent, so the only
   * honest signal left is to cut the connection and let the client see a truncated message.
   */
  private static void abort(HttpServerExchange exchange, IOException e) {
    LOG.debug("event=response_aborted path={} reason=\"{}\"", exchange.getRequestPath(), e.getMessage());
    if (!exchange.isResponseStarted()) {
      exchange.setPersistent(false);
      exchange.getResponseHeaders().clear();
      CacheResponse error = PassThroughEngine.error(502, "origin failed while sending the response");
      exchange.setStatusCode(error.status());
      copyHeaders(exchange.getResponseHeaders(), error.headers());
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, error.body().length);
      try (OutputStream out = exchange.getOutputStream()) {
        out.write(error.body());
        return;
      } catch (IOException clientGone) {
        LOG.debug("event=client_gone path={} reason=\"{}\"", exchange.getRequestPath(), clientGone.getMessage());
      }
    }
    try {
      exchange.getConnection().close();
    } catch (IOException closeFailure) {
      LOG.debug("event=close_failed reason=\"{}\"", closeFailure.getMessage());
    }
  }

  /**
   * Status and headers. {@code bufferedLength} >= 0 sets Content-Length to the bytes about to be
   * written (except for HEAD, which keeps the representation's); -1 keeps the origin's length or
   * lets Undertow chunk.
   */
  public static void head(HttpServerExchange exchange, CacheResponse response, long bufferedLength) {
    int status = response.status();
    exchange.setStatusCode(status);
    HeaderMap out = exchange.getResponseHeaders();
    copyHeaders(out, HopByHop.strip(response.headers()));
    boolean bodiless = status < 200 || status == 204 || status == 304;
    if (bodiless) {
      out.remove(Headers.CONTENT_LENGTH);
    } else if (bufferedLength >= 0 && !exchange.getRequestMethod().equals(Methods.HEAD)) {
      out.put(Headers.CONTENT_LENGTH, bufferedLength);
    }
  }

  private static void copyHeaders(HeaderMap out, HeaderList headers) {
    for (Header h : headers.fields()) {
      out.add(HttpString.tryFromString(h.name()), h.value());
    }
  }
}
