package io.cachemesh.sidecar.engine;

import java.util.Optional;

/**
 * The cache: decides, for each request, whether it is served from a tier, revalidated, coalesced
 * with another request, or sent to the origin, and what is stored. All of RFC 9111 lives behind
 * this interface; the HTTP layer only translates.
 */
public interface CacheEngine {
  /**
   * The fast path, called on an IO thread: a response served from memory without blocking, or
   * empty when the request needs the slow path (miss, stale, bypass, conditional to the origin...).
   * Must never block or call the origin.
   */
  Optional<CacheResponse> tryServeFromMemory(CacheRequest request);

  /**
   * The full path, called on a virtual thread: may block on other tiers, on a coalesced request or
   * on the origin. Never throws for origin failures: they become 502/504 or a stale response.
   */
  CacheResponse handle(CacheRequest request, Origin origin);
}
