package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.CacheControl;
import io.cachemesh.sidecar.semantics.CacheStatus;
import io.cachemesh.sidecar.semantics.StoreDecision;
import io.cachemesh.sidecar.semantics.Storability;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Revalidation with the origin: the conditional fields sent upstream, and a 304 answering our
 * validators (RFC 9111 4.3.4): the stored headers are updated and the stored body served.
 */
final class Revalidation {
  private static final String[] CLIENT_CONDITIONALS = {"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"};
  /** RFC 9111 3.2: fields a 304 never updates in the stored response. */
  private static final Set<String> NOT_UPDATED_BY_304 = Set.of("content-length", "content-encoding", "content-range", "transfer-encoding", "set-cookie");

  private final Storing storing;
  private final Responder responder;

  Revalidation(Storing storing, Responder responder) {
    this.storing = storing;
    this.responder = responder;
  }

  /**
   * Replaces the client's conditional and Range fields: with our validators when revalidating an
   * entry, else with empty values (removal), so the origin answers with a complete response.
   */
  static HeaderList originOverrides(HeaderList client, StoredResponse revalidate) {
    List<Header> out = new ArrayList<>(4);
    String etag = revalidate == null ? null : revalidate.headers().first("ETag").orElse(null);
    String lastModified = revalidate == null ? null : revalidate.headers().first("Last-Modified").orElse(null);
    if (etag != null) {
      out.add(new Header("If-None-Match", etag));
    }
    if (lastModified != null) {
      out.add(new Header("If-Modified-Since", lastModified));
    }
    for (String name : CLIENT_CONDITIONALS) {
      boolean set = (etag != null && name.equals("If-None-Match")) || (lastModified != null && name.equals("If-Modified-Since"));
      if (!set && client.contains(name)) {
        out.add(new Header(name, ""));
      }
    }
    return out.isEmpty() ? HeaderList.EMPTY : new HeaderList(out);
  }

  /** A 304 answered our validators for {@code stale}. */
  CacheResponse notModified(Exchange c, StoredResponse stale, OriginResponse r, String fwd, Flight flight, long now) {
    HeaderList headers = merged(stale.headers(), r.headers());
    CacheControl cc = CacheControl.parse(headers.all("Cache-Control"));
    StoreDecision d = r.headers().contains("Set-Cookie") ? StoreDecision.no("set-cookie")
        : Storability.decide(c.rp.rule(), c.requestCc, c.authorization, c.rp.perUser(), c.request.path(),
            stale.status(), headers, cc, stale.body().length, c.plan.config.memory().maxObjectSizeBytes(), r.responseTimeMillis());
    if (!d.storable()) {
      if (!d.transientReason()) {
        storing.forget(stale);
      }
      Flight.complete(flight, Flight.UNCACHEABLE);
      responder.count(c, "revalidated", d.reason(), "memory");
      HeaderList client = r.headers().contains("Set-Cookie") ? headers.with("Set-Cookie", r.headers().first("Set-Cookie").orElseThrow()) : headers;
      String status = CacheStatus.forwarded(fwd, 304, false, false, 0, d.reason(), c.rp.ruleParam());
      return new CacheResponse(stale.status(), responder.clientHeaders(c, client, status, -1, false),
          c.head ? Responder.EMPTY : stale.body(), null, null);
    }
    StoredResponse entry = EntryFactory.entry(c, stale.status(), headers, stale.body(), r.requestTimeMillis(), r.responseTimeMillis(), d);
    storing.store(c, entry, now);
    Flight.complete(flight, new Flight.Outcome.Stored(entry));
    responder.count(c, "revalidated", null, "memory");
    return responder.serve(c, entry, now, CacheStatus.forwarded(fwd, 304, true, true, entry.ttlMillis(now), "memory", c.rp.ruleParam()));
  }

  /** The stored fields with those the 304 carries replacing theirs, except the ones a 304 never updates. */
  private static HeaderList merged(HeaderList stored, HeaderList notModified) {
    List<Header> merged = new ArrayList<>(stored.fields().size() + notModified.fields().size());
    Set<String> replaced = new LinkedHashSet<>();
    for (Header h : notModified.fields()) {
      String n = h.name().toLowerCase(Locale.ROOT);
      if (!NOT_UPDATED_BY_304.contains(n)) {
        replaced.add(n);
      }
    }
    for (Header h : stored.fields()) {
      if (!replaced.contains(h.name().toLowerCase(Locale.ROOT))) {
        merged.add(h);
      }
    }
    for (Header h : notModified.fields()) {
      if (replaced.contains(h.name().toLowerCase(Locale.ROOT))) {
        merged.add(h);
      }
    }
    return new HeaderList(merged);
  }
}
