package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.CacheStatus;

/**
 * Serving a stale entry (RFC 5861): while one request revalidates it, when the origin fails, or
 * while another replica regenerates it. Each method returns null when no stale window allows it.
 */
final class StaleServing {
  private final Responder responder;

  StaleServing(Responder responder) {
    this.responder = responder;
  }

  /** stale-while-revalidate: the caller has checked the window and started the refresh. */
  CacheResponse whileRevalidating(Exchange c, StoredResponse e, long now) {
    responder.count(c, "stale", null, "memory");
    return responder.serve(c, e, now, CacheStatus.hit(e.ttlMillis(now), "stale-while-revalidate", c.rp.ruleParam()));
  }

  /** stale-if-error after the origin answered {@code upstreamStatus} (0: no answer); null outside the window. */
  CacheResponse ifError(Exchange c, StoredResponse stale, int upstreamStatus, long now) {
    if (stale == null || !Usability.staleIfError(stale, now)) {
      return null;
    }
    responder.count(c, "stale", null, "memory");
    return responder.serve(c, stale, now, CacheStatus.forwarded("stale", upstreamStatus, false, true, stale.ttlMillis(now),
        "stale-if-error", c.rp.ruleParam()));
  }

  /** Another replica holds the fleet lock and did not deliver in time; null when no stale window allows. */
  CacheResponse fleetBusy(Exchange c, StoredResponse stale, String staleTier, long now) {
    if (stale == null || !(Usability.staleWhileRevalidate(c, stale, now) || Usability.staleIfError(stale, now))) {
      return null;
    }
    responder.count(c, "stale", "fleet-busy", staleTier);
    return responder.serve(c, stale, now, CacheStatus.hit(stale.ttlMillis(now), "fleet-busy", c.rp.ruleParam()));
  }
}
