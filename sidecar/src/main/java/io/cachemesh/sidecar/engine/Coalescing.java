package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.CacheStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One origin request per key at a time. The first request for a key leads the flight (through
 * {@link FleetFetch}); the others wait, bounded, and are served from what it stored. When the
 * response is not storable the waiters go to the origin themselves. Background refreshes
 * (stale-while-revalidate) lead flights too, so there is one per key.
 */
final class Coalescing {
  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
  private final Clock clock;
  private final FleetFetch fleetFetch;
  private final UpstreamFetch upstream;
  private final StaleServing stale;
  private final Responder responder;
  private final EngineMetrics metrics;
  private final OriginFailures failures;
  private final ExecutorService background;
  private final Duration wait;

  Coalescing(Clock clock, FleetFetch fleetFetch, UpstreamFetch upstream, StaleServing stale, Responder responder,
      EngineMetrics metrics, OriginFailures failures, ExecutorService background, Duration wait) {
    this.clock = clock;
    this.fleetFetch = fleetFetch;
    this.upstream = upstream;
    this.stale = stale;
    this.responder = responder;
    this.metrics = metrics;
    this.failures = failures;
    this.background = background;
    this.wait = wait;
  }

  /**
   * Leads the key's flight, or waits for the one running. Null when the flight stored another
   * variant: the caller looks again, now knowing the origin's Vary.
   */
  CacheResponse fetchOrWait(Exchange c, StoredResponse e, Origin origin) {
    Flight mine = new Flight();
    Flight running = flights.putIfAbsent(c.fullKey, mine);
    if (running == null) {
      try {
        return fleetFetch.fetch(c, e, origin, mine);
      } finally {
        flights.remove(c.fullKey, mine);
        mine.complete(Flight.UNCACHEABLE);
      }
    }
    metrics.coalescedWaiter();
    Flight.Outcome outcome = running.await(wait);
    switch (outcome) {
      case null -> {
        return upstream.fetch(c, e, origin, null);
      }
      case Flight.Outcome.Stored(StoredResponse stored) -> {
        if (!Lookup.sameVariant(c, stored)) {
          return null;
        }
        long t = clock.millis();
        c.rp.hits().increment();
        return responder.serve(c, stored, t, CacheStatus.hit(stored.ttlMillis(t), "memory coalesced", c.rp.ruleParam()));
      }
      case Flight.Outcome.Uncacheable _ -> {
        return upstream.fetch(c, e, origin, null);
      }
      case Flight.Outcome.Failed(int status, String detail) -> {
        CacheResponse served = stale.ifError(c, e, status, clock.millis());
        if (served != null) {
          return served;
        }
        responder.count(c, "error", detail, "none");
        return responder.error(c, status >= 500 ? status : 502, CacheStatus.forwarded(c.missKind, 0, false, false, 0, detail, c.rp.ruleParam()));
      }
    }
  }

  /** Refreshes {@code e} on a virtual thread unless a flight for its key is already running. */
  void refreshInBackground(Exchange c, StoredResponse e, Origin origin) {
    Flight mine = new Flight();
    if (flights.putIfAbsent(c.fullKey, mine) != null) {
      return;
    }
    Exchange bg = c.forBackground();
    Runnable task = () -> {
      try {
        CacheResponse r = fleetFetch.fetch(bg, e, origin, mine);
        if (r.stream() != null) {
          r.stream().close();
        }
      } catch (IOException | RuntimeException ex) {
        failures.log("background_refresh_failed", bg.request, 0, ex);
      } finally {
        flights.remove(bg.fullKey, mine);
        mine.complete(Flight.UNCACHEABLE);
      }
    };
    try {
      background.execute(task);
    } catch (RejectedExecutionException closed) {
      flights.remove(c.fullKey, mine);
      mine.complete(Flight.UNCACHEABLE);
    }
  }
}
