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
    RelayPlan plan = plan(c);
    OriginResponse r;
    try {
      r = origin.send(c.request, HeaderList.EMPTY);
    } catch (IOException ex) {
      return plan.failed(ex);
    }
    HeaderList headers = plan.respond(r.status(), r.headers(), r.contentLength(), r.responseTimeMillis());
    return new CacheResponse(r.status(), headers, null, null, r.body());
  }

  /** The same labels and counts for a request relayed on the IO thread. */
  RelayPlan plan(Exchange c) {
    return new Bypass(c);
  }

  private final class Bypass implements RelayPlan {
    private final Exchange c;
    private final String fwd;

    Bypass(Exchange c) {
      this.c = c;
      this.fwd = c.unsafe || "method".equals(c.bypassReason) ? "method" : "bypass";
    }

    @Override
    public HeaderList respond(int status, HeaderList originFields, long contentLength, long responseTimeMillis) {
      metrics.count(c.rp.name(), "bypass", c.bypassReason, "none");
      String cacheStatus = CacheStatus.forwarded(fwd, status, false, false, 0, c.bypassReason, c.rp.ruleParam());
      return responder.clientHeaders(c, originFields, cacheStatus, -1, false);
    }

    @Override
    public CacheResponse failed(IOException cause) {
      metrics.count(c.rp.name(), "bypass", c.bypassReason, "none");
      int status = OriginFailures.status(cause);
      failures.log("origin_failed", c.request, status, cause);
      return responder.error(c, status, CacheStatus.forwarded(fwd, 0, false, false, 0, OriginFailures.detail(status), c.rp.ruleParam()));
    }
  }
}
