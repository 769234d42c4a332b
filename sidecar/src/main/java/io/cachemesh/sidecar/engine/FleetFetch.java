package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.MemoryTier;
import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.CacheStatus;
import io.cachemesh.sidecar.shared.LockAttempt;
import java.time.Clock;
import java.time.Duration;

/**
 * The coalescing leader's way to the origin when there is a fleet: the shared tier, then the
 * fleet lock, then the origin. Lock acquired: go to the origin, release after the background
 * shared write (the release wakes waiting replicas). Busy: wait for the other replica's release
 * (bounded by {@link #WAIT}, no polling), read the shared tier, then serve stale if a stale window
 * allows, else go to the origin. Unavailable (Redis down): go to the origin at once.
 * Without a shared tier (or for a request that may not use it), straight to {@link UpstreamFetch}.
 */
final class FleetFetch {
  /** How long a request waits for another replica that holds the fleet lock of its key. */
  static final Duration WAIT = Duration.ofSeconds(2);

  private final Clock clock;
  private final MemoryTier memory;
  private final FleetLink fleet;
  private final HitForMiss hitForMiss;
  private final UpstreamFetch upstream;
  private final StaleServing stale;
  private final Responder responder;
  private final Duration lockTtl;

  FleetFetch(Clock clock, MemoryTier memory, FleetLink fleet, HitForMiss hitForMiss, UpstreamFetch upstream,
      StaleServing stale, Responder responder, Duration lockTtl) {
    this.clock = clock;
    this.memory = memory;
    this.fleet = fleet;
    this.hitForMiss = hitForMiss;
    this.upstream = upstream;
    this.stale = stale;
    this.responder = responder;
    this.lockTtl = lockTtl;
  }

  CacheResponse fetch(Exchange c, StoredResponse e, Origin origin, Flight flight) {
    SharedTier tier = fleet.tier();
    if (!FleetLink.eligible(c, tier)) {
      return upstream.fetch(c, e, origin, flight);
    }
    StoredResponse candidate = e;
    StoredResponse s = fleet.lookup(c, tier);
    if (s != null) {
      CacheResponse hit = serveShared(c, s, flight);
      if (hit != null) {
        return hit;
      }
      if (candidate == null || s.responseTimeMillis() > candidate.responseTimeMillis()) {
        candidate = s;
      }
    }
    switch (tier.tryLock(c.fullKey, lockTtl.toMillis())) {
      case LockAttempt.Acquired acquired -> {
        c.lock = acquired;
        try {
          // Another replica may have written and released between our read and our lock.
          CacheResponse filled = sharedHit(c, tier, flight);
          return filled != null ? filled : upstream.fetch(c, candidate, origin, flight);
        } finally {
          tier.release(c.lock);
          c.lock = null;
        }
      }
      case LockAttempt.Busy _ -> {
        CacheResponse waited = awaitOtherReplica(c, tier, candidate, candidate == e ? "memory" : "shared", flight);
        return waited != null ? waited : upstream.fetch(c, candidate, origin, flight);
      }
      case LockAttempt.Unavailable _ -> {
        return upstream.fetch(c, candidate, origin, flight);
      }
    }
  }

  /**
   * Another replica regenerates the entry: waits for its lock release (announced on the policy's
   * fills channel, bounded by {@link #WAIT}), then reads the shared tier once more (also when the
   * announcement was lost), then serves {@code old} if a stale window allows. Null: go to the origin.
   */
  private CacheResponse awaitOtherReplica(Exchange c, SharedTier tier, StoredResponse old, String oldTier, Flight flight) {
    // The release may have come between our first read and the watch: read again once watching.
    CacheResponse early = tier.awaitRelease(c.fullKey, WAIT, () -> sharedHit(c, tier, flight));
    if (early != null) {
      return early;
    }
    if (Thread.currentThread().isInterrupted()) {
      return null;
    }
    CacheResponse filled = sharedHit(c, tier, flight);
    return filled != null ? filled : stale.fleetBusy(c, old, oldTier, clock.millis());
  }

  private CacheResponse sharedHit(Exchange c, SharedTier tier, Flight flight) {
    StoredResponse s = fleet.lookup(c, tier);
    return s == null ? null : serveShared(c, s, flight);
  }

  /**
   * Serves a fresh shared entry and fills memory with it when memory would have admitted it from the
   * origin ({@link Storing#fitsMemory}; a larger one, written by a replica with a larger limit, is
   * served from the shared tier every time); null when it is not usable as fresh, or a purge overlapped.
   */
  private CacheResponse serveShared(Exchange c, StoredResponse s, Flight flight) {
    long now = clock.millis();
    if (!Usability.fresh(c, s, now)) {
      return null;
    }
    boolean filled = Storing.fitsMemory(c, s.body().length);
    if (filled) {
      memory.put(s);
    }
    if (fleet.purgedSince(c)) {
      // A purge ran while we filled: it may have missed this entry, so drop it and miss.
      if (filled) {
        memory.remove(s.key());
      }
      return null;
    }
    hitForMiss.clear(c.fullKey);
    Flight.complete(flight, new Flight.Outcome.Stored(s));
    responder.count(c, "hit", null, "shared");
    return responder.serve(c, s, now, CacheStatus.hit(s.ttlMillis(now), "shared", c.rp.ruleParam()));
  }
}
