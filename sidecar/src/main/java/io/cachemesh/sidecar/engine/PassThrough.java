package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.semantics.CacheStatus;
import java.io.IOException;

/** Requests that do not use the cache (other methods, bypassed rules or identities) go to the origin as they are. */
final class PassThrough {
  private final Responder responder;
  private final EngineMetrics metrics;
  private final OriginFailures failures;

  PassThrough(Responder responder, EngineMetrics metrics, OriginFailures failures) {
    this.responder = responder;
    this.metrics = metrics;
    this.failures = failures;
  }

  CacheResponse forward(Exchange c, Origin origin) {
    String fwd = c.unsafe || "method".equals(c.bypassReason) ? "method" : "bypass";
    metrics.count(c.rp.name(), "bypass", c.bypassReason, "none");
    OriginResponse r;
    try {
      r = origin.send(c.request, HeaderList.EMPTY);
    } catch (IOException ex) {
      int status = OriginFailures.status(ex);
      failures.log("origin_failed", c.request, status, ex);
      return responder.error(c, status, CacheStatus.forwarded(fwd, 0, false, false, 0, OriginFailures.detail(status), c.rp.ruleParam()));
    }
    String status = CacheStatus.forwarded(fwd, r.status(), false, false, 0, c.bypassReason, c.rp.ruleParam());
    return new CacheResponse(r.status(), responder.clientHeaders(c, r.headers(), status, -1, false), null, null, r.body());
  }
}
