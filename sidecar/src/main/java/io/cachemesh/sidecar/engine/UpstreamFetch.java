package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.CacheControl;
import io.cachemesh.sidecar.semantics.CacheStatus;
import io.cachemesh.sidecar.semantics.StoreDecision;
import io.cachemesh.sidecar.semantics.Storability;
import java.io.IOException;
import java.time.Clock;

/**
 * Goes to the origin for a cacheable request, decides what is stored and answers the client. A
 * HEAD miss is fetched as a GET so that it fills the cache (HEAD and GET share keys); the client's
 * own conditional and Range fields are removed (see {@link Revalidation#originOverrides}) so the
 * origin sends a complete, storable response, and the cache answers the conditional itself.
 */
final class UpstreamFetch {
  private final Clock clock;
  private final HitForMiss hitForMiss;
  private final Storing storing;
  private final Revalidation revalidation;
  private final StaleServing stale;
  private final Responder responder;
  private final OriginFailures failures;

  UpstreamFetch(Clock clock, HitForMiss hitForMiss, Storing storing, Revalidation revalidation, StaleServing stale,
      Responder responder, OriginFailures failures) {
    this.clock = clock;
    this.hitForMiss = hitForMiss;
    this.storing = storing;
    this.revalidation = revalidation;
    this.stale = stale;
    this.responder = responder;
    this.failures = failures;
  }

  /**
   * Fetches (as the flight's leader when {@code flight} is not null), revalidating {@code old}
   * when it has validators.
   */
  CacheResponse fetch(Exchange c, StoredResponse old, Origin origin, Flight flight) {
    long now = clock.millis();
    String fwd = old == null ? c.missKind : (Usability.freshWithoutRequestDirectives(old, now) ? "request" : "stale");
    boolean conditional = old != null && old.hasValidators();
    HeaderList overrides = Revalidation.originOverrides(c.request.headers(), conditional ? old : null);
    CacheRequest upstream = c.head
        ? new CacheRequest("GET", c.request.scheme(), c.request.host(), c.request.path(), c.request.rawQuery(),
            c.request.headers(), c.request.loopback())
        : c.request;
    OriginResponse r;
    try {
      r = origin.send(upstream, overrides);
    } catch (IOException ex) {
      int status = OriginFailures.status(ex);
      String detail = OriginFailures.detail(status);
      failures.log("origin_failed", c.request, status, ex);
      Flight.complete(flight, new Flight.Outcome.Failed(status, detail));
      return originFailed(c, old, fwd, status, detail);
    }
    now = clock.millis();
    if (r.status() == 304 && conditional) {
      r.close();
      return revalidation.notModified(c, old, r, fwd, flight, now);
    }
    if (r.status() >= 500) {
      CacheResponse served = stale.ifError(c, old, r.status(), now);
      if (served != null) {
        r.close();
        Flight.complete(flight, new Flight.Outcome.Failed(r.status(), "origin-error"));
        return served;
      }
    }
    CacheControl cc = CacheControl.parse(r.headers().all("Cache-Control"));
    StoreDecision d = Storability.decide(c.rp.rule(), c.requestCc, c.authorization, c.rp.perUser(), c.request.path(),
        r.status(), r.headers(), cc, r.contentLength(), c.plan.config.memory().maxObjectSizeBytes(), r.responseTimeMillis());
    if (!d.storable()) {
      if (old != null && !d.transientReason()) {
        storing.forget(old);
      }
      return notStored(c, r, fwd, d, flight);
    }
    long max = c.plan.config.memory().maxObjectSizeBytes();
    byte[] body;
    try {
      body = r.body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    } catch (IOException ex) {
      r.close();
      Flight.complete(flight, new Flight.Outcome.Failed(502, "origin-body"));
      failures.log("origin_body_failed", c.request, 502, ex);
      return originFailed(c, old, fwd, 502, "origin-body");
    }
    if (!Storing.fitsMemory(c, body.length)) {
      return tooLarge(c, r, fwd, body, flight);
    }
    r.close();
    StoredResponse entry = EntryFactory.entry(c, r.status(), r.headers(), body, r.requestTimeMillis(), r.responseTimeMillis(), d);
    storing.store(c, entry, now);
    hitForMiss.clear(c.fullKey);
    Flight.complete(flight, new Flight.Outcome.Stored(entry));
    responder.count(c, "miss", null, "none");
    return responder.respond(c, entry, now, CacheStatus.forwarded(fwd, r.status(), true, true, entry.ttlMillis(now), null, c.rp.ruleParam()), false);
  }

  /**
   * A request for a key marked {@link HitForMiss} with nothing stored, relayed on the IO thread: the
   * client's own conditional and Range fields go to the origin as they are (nothing is stored, so the
   * origin may answer them), and the answer decides the mark as {@link #notStored} would: refreshed
   * while the origin keeps saying "not storable", cleared once it says "storable", so the next request
   * is an ordinary miss that fills the cache.
   */
  RelayPlan relayPlan(Exchange c) {
    return new RelayPlan() {
      @Override
      public HeaderList respond(int status, HeaderList originFields, long contentLength, long responseTimeMillis) {
        CacheControl cc = CacheControl.parse(originFields.all("Cache-Control"));
        StoreDecision d = Storability.decide(c.rp.rule(), c.requestCc, c.authorization, c.rp.perUser(), c.request.path(),
            status, originFields, cc, contentLength, c.plan.config.memory().maxObjectSizeBytes(), responseTimeMillis);
        String reason = d.storable() ? "hit-for-miss" : d.reason();
        if (d.storable()) {
          hitForMiss.clear(c.fullKey);
        } else if (!d.transientReason()) {
          hitForMiss.mark(c.fullKey);
        }
        responder.count(c, status >= 500 ? "error" : "miss", reason, "none");
        return responder.clientHeaders(c, originFields,
            CacheStatus.forwarded(c.missKind, status, false, false, 0, reason, c.rp.ruleParam()), -1, false);
      }

      @Override
      public CacheResponse failed(IOException cause) {
        int status = OriginFailures.status(cause);
        failures.log("origin_failed", c.request, status, cause);
        return originFailed(c, null, c.missKind, status, OriginFailures.detail(status));
      }
    };
  }

  /** Over {@code maxObjectSize}: what was read so far goes first, the rest streams through. */
  private CacheResponse tooLarge(Exchange c, OriginResponse r, String fwd, byte[] prefix, Flight flight) {
    hitForMiss.mark(c.fullKey);
    Flight.complete(flight, Flight.UNCACHEABLE);
    responder.count(c, "miss", "too-large", "none");
    String status = CacheStatus.forwarded(fwd, r.status(), false, false, 0, "too-large", c.rp.ruleParam());
    HeaderList headers = responder.clientHeaders(c, r.headers(), status, -1, false);
    if (c.head) {
      r.close();
      return new CacheResponse(r.status(), headers, Responder.EMPTY, null, null);
    }
    return new CacheResponse(r.status(), headers, null, prefix, r.body());
  }

  private CacheResponse notStored(Exchange c, OriginResponse r, String fwd, StoreDecision d, Flight flight) {
    if (!d.transientReason()) {
      hitForMiss.mark(c.fullKey);
    }
    Flight.complete(flight, Flight.UNCACHEABLE);
    responder.count(c, r.status() >= 500 ? "error" : "miss", d.reason(), "none");
    return responder.passOn(c, r, CacheStatus.forwarded(fwd, r.status(), false, false, 0, d.reason(), c.rp.ruleParam()));
  }

  private CacheResponse originFailed(Exchange c, StoredResponse old, String fwd, int status, String detail) {
    CacheResponse served = stale.ifError(c, old, 0, clock.millis());
    if (served != null) {
      return served;
    }
    responder.count(c, "error", detail, "none");
    return responder.error(c, status, CacheStatus.forwarded(fwd, 0, false, false, 0, detail, c.rp.ruleParam()));
  }
}
