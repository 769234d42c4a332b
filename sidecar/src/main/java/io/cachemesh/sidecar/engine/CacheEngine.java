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
   * Called on an IO thread for every request that passed the sanity checks: served from memory,
   * relayed to the origin without leaving the thread, or the full path. Must never block.
   */
  default Route route(CacheRequest request) {
    Optional<CacheResponse> hit = tryServeFromMemory(request);
    return hit.isPresent() ? new Route.Serve(hit.get()) : Route.FULL;
  }

  /**
   * The full path, called on a virtual thread: may block on other tiers, on a coalesced request or
   * on the origin. Never throws for origin failures: they become 502/504 or a stale response.
   */
  CacheResponse handle(CacheRequest request, Origin origin);
}
