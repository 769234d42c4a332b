package io.cachemesh.sidecar.proxy;

import io.cachemesh.sidecar.engine.CacheResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Turns a streamed response whose declared length is small into a buffered one, read whole on the
 * calling (virtual) thread, so that it can be written from the IO thread like a hit.
 *
 * <p>Why: a response finished on a virtual thread makes Undertow's IO thread busy-wait (its
 * read-listener state CAS) for that thread whenever the client's next request arrives before the
 * exchange is completed, which is every time on a keep-alive connection; on two cores that spin
 * was a third of the CPU time of a pass-through load. Bodies up to {@link #LIMIT} cost one copy
 * in memory per request in flight, bounded; larger or unframed bodies still stream.
 */
final class SmallBody {
  static final int LIMIT = 64 * 1024;

  private SmallBody() {}

  /**
   * @return the response with its body read whole, or empty when it is not a stream with a
   *     declared Content-Length of at most {@link #LIMIT}, or has no body (HEAD, 1xx, 204, 304)
   * @throws IOException when the origin fails or sends fewer bytes than declared; the stream is
   *     closed either way
   */
  static Optional<CacheResponse> read(String method, CacheResponse response) throws IOException {
    int status = response.status();
    // Content-Length of a HEAD, 204 or 304 response describes a body that is not sent.
    boolean bodiless = method.equals("HEAD") || status < 200 || status == 204 || status == 304;
    if (bodiless || response.body() != null || response.stream() == null) {
      return Optional.empty();
    }
    long declared = declaredLength(response);
    if (declared < 0 || declared > LIMIT) {
      return Optional.empty();
    }
    byte[] prefix = response.bufferedPrefix() == null ? new byte[0] : response.bufferedPrefix();
    if (prefix.length > declared) {
      return Optional.empty();
    }
    byte[] body = new byte[(int) declared];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    try (InputStream in = response.stream()) {
      int at = prefix.length;
      while (at < body.length) {
        int n = in.read(body, at, body.length - at);
        if (n < 0) {
          throw new IOException("origin sent " + at + " of " + body.length + " declared body bytes");
        }
        at += n;
      }
      // Reading to the end lets the origin connection go back to the pool when the stream closes.
      if (in.read() >= 0) {
        throw new IOException("origin sent more than the " + body.length + " declared body bytes");
      }
    }
    return Optional.of(new CacheResponse(response.status(), response.headers(), body, null, null));
  }

  private static long declaredLength(CacheResponse response) {
    Optional<String> value = response.headers().first("Content-Length");
    if (value.isEmpty() || response.headers().all("Content-Length").size() != 1) {
      return -1;
    }
    String digits = value.get().trim();
    if (digits.isEmpty() || digits.length() > 9) {
      return -1;
    }
    long length = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      length = length * 10 + (c - '0');
    }
    return length;
  }
}
