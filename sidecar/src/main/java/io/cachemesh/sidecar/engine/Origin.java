package io.cachemesh.sidecar.engine;

import java.io.IOException;

/**
 * The application behind the sidecar. The HTTP layer implements it (with keep-alive connections,
 * timeouts, {@code X-Forwarded-*}); the engine calls it and tests replace it.
 *
 * <p>Calls block (the engine runs on virtual threads) until the response head has arrived; the body
 * is then read from the returned response and must be closed.
 */
public interface Origin {
  /**
   * @param request the client's request
   * @param overrides header fields to set on the upstream request in place of the client's
   *     (conditional revalidation headers the cache adds); empty for a plain forward. An override
   *     with an empty value removes the client's field (the cache blanks a client's
   *     If-None-Match/Range on a miss so that the origin sends a complete, storable response)
   * @throws IOException when the origin cannot be reached, resets, times out or sends garbage
   */
  OriginResponse send(CacheRequest request, HeaderList overrides) throws IOException;
}
