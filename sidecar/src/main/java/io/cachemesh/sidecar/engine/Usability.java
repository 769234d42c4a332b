package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.CacheControl;

/** Whether a stored entry may be used now, and how: fresh (RFC 9111 4.2, 5.2.1) or within a stale window (RFC 5861). */
final class Usability {
  private Usability() {}

  /** Whether the entry may be served now without contacting the origin. */
  static boolean fresh(Exchange c, StoredResponse e, long now) {
    if (e.noCache() || e.softPurged() || c.requestCc.noCache()) {
      return false;
    }
    long age = e.ageMillis(now);
    long ttl = e.freshnessMillis() - age;
    CacheControl rc = c.requestCc;
    if (rc.maxAge() >= 0 && age > rc.maxAge() * 1000) {
      return false;
    }
    if (rc.minFresh() >= 0 && ttl < rc.minFresh() * 1000) {
      return false;
    }
    if (ttl > 0) {
      return true;
    }
    return rc.maxStale() >= 0 && !e.mustRevalidate() && -ttl <= rc.maxStale() * 1000;
  }

  static boolean staleWhileRevalidate(Exchange c, StoredResponse e, long now) {
    CacheControl rc = c.requestCc;
    if (e.noCache() || rc.noCache() || (rc.maxAge() >= 0 && e.ageMillis(now) > rc.maxAge() * 1000)) {
      return false;
    }
    long staleness = -e.ttlMillis(now);
    return staleness > 0 && staleness <= e.staleWhileRevalidateMillis();
  }

  /** The windows are zero unless stale use is permitted (see Storability), so they alone decide. */
  static boolean staleIfError(StoredResponse e, long now) {
    long staleness = -e.ttlMillis(now);
    return staleness <= e.staleIfErrorMillis();
  }

  /** Fresh for any request that does not ask for more than the entry says (used for {@code fwd=request}). */
  static boolean freshWithoutRequestDirectives(StoredResponse e, long now) {
    return !e.noCache() && !e.softPurged() && e.ttlMillis(now) > 0;
  }
}
