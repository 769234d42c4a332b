package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.semantics.ByteRanges;
import io.cachemesh.sidecar.semantics.CacheStatus;
import io.cachemesh.sidecar.semantics.Conditionals;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The last step: turns an entry or an origin response into what the client receives (304 for a
 * satisfied conditional, 206 or 416 for a Range on a stored 200, no body for HEAD, Age,
 * Cache-Status, the rule's Cache-Control), and counts the request.
 */
final class Responder {
  static final byte[] EMPTY = new byte[0];
  private static final ByteRanges.Selection WHOLE = new ByteRanges.Whole();
  private static final Set<String> NOT_MODIFIED_FIELDS = Set.of("cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified");

  private final EngineMetrics metrics;

  Responder(EngineMetrics metrics) {
    this.metrics = metrics;
  }

  /** Answers the client from an entry whose body came from the cache (hit, stale, revalidated). */
  CacheResponse serve(Exchange c, StoredResponse e, long now, String cacheStatus) {
    return respond(c, e, now, cacheStatus, true);
  }

  /**
   * Answers the client from an entry: its preconditions evaluated against a stored 2xx (RFC 9110
   * 13.2.2: 304 when the client's copy is current, 412 when If-Match or If-Unmodified-Since fails;
   * any other status ignores them, 13.2.1); then, for a stored 200, a single byte Range whose
   * If-Range (if any) holds is served as 206, or 416 when it lies past the end (see
   * {@link ByteRanges}); no body for HEAD, which ignores Range (RFC 9110 14.2) and gets the whole 200's headers.
   */
  CacheResponse respond(Exchange c, StoredResponse e, long now, String cacheStatus, boolean fromCache) {
    long ageSeconds = e.ageMillis(now) / 1000;
    Conditionals.Result precondition = e.status() / 100 == 2
        ? Conditionals.evaluate(c.request.headers(), e.headers()) : Conditionals.Result.SERVE;
    if (precondition != Conditionals.Result.SERVE) {
      List<Header> fields = new ArrayList<>();
      for (Header h : e.headers().fields()) {
        if (NOT_MODIFIED_FIELDS.contains(h.name().toLowerCase(Locale.ROOT))) {
          fields.add(h);
        }
      }
      int status = precondition == Conditionals.Result.NOT_MODIFIED ? 304 : 412;
      return new CacheResponse(status, clientHeaders(c, new HeaderList(fields), cacheStatus, ageSeconds, true), EMPTY, null, null);
    }
    // RFC 9110 14.2: Range applies to GET only, so HEAD describes the whole representation.
    ByteRanges.Selection range = !c.head && e.status() == 200 && Conditionals.ifRangeHolds(c.request.headers(), e.headers())
        ? ByteRanges.select(c.request.headers().all("Range"), e.body().length) : WHOLE;
    return switch (range) {
      case ByteRanges.Part part -> {
        byte[] body = c.head ? EMPTY : Arrays.copyOfRange(e.body(), (int) part.first(), (int) part.last() + 1);
        countServed(c, body, fromCache);
        HeaderList fields = withLength(e.headers(), part.size(), "Content-Range", part.contentRange());
        yield new CacheResponse(206, clientHeaders(c, fields, cacheStatus, ageSeconds, true), body, null, null);
      }
      case ByteRanges.Unsatisfiable none -> {
        // Not the stored response's fields: a downstream cache must not keep this in its place.
        HeaderList fields = withLength(HeaderList.EMPTY, 0, "Content-Range", none.contentRange());
        yield new CacheResponse(416, clientHeaders(c, fields, cacheStatus, -1, false), EMPTY, null, null);
      }
      case ByteRanges.Whole _ -> {
        byte[] body = c.head ? EMPTY : e.body();
        countServed(c, body, fromCache);
        yield new CacheResponse(e.status(), clientHeaders(c, e.headers(), cacheStatus, ageSeconds, true), body, null, null);
      }
    };
  }

  private void countServed(Exchange c, byte[] body, boolean fromCache) {
    if (!c.background && fromCache) {
      metrics.served(body.length);
    }
  }

  /** {@code fields} with Content-Length set to {@code length} (a HEAD answer keeps it) plus one more field. */
  private static HeaderList withLength(HeaderList fields, long length, String name, String value) {
    List<Header> out = new ArrayList<>(fields.fields().size() + 2);
    for (Header h : fields.fields()) {
      if (!h.name().equalsIgnoreCase("Content-Length") && !h.name().equalsIgnoreCase(name)) {
        out.add(h);
      }
    }
    out.add(new Header(name, value));
    out.add(new Header("Content-Length", Long.toString(length)));
    return new HeaderList(out);
  }

  /** An origin response that is not stored, passed on as it streams (no body for a client's HEAD). */
  CacheResponse passOn(Exchange c, OriginResponse r, String cacheStatus) {
    HeaderList headers = clientHeaders(c, r.headers(), cacheStatus, -1, false);
    if (c.head) {
      // The client asked HEAD and we fetched GET to fill the cache: it gets no body.
      r.close();
      return new CacheResponse(r.status(), headers, EMPTY, null, null);
    }
    return new CacheResponse(r.status(), headers, null, null, r.body());
  }

  CacheResponse error(Exchange c, int status, String cacheStatus) {
    String text = switch (status) {
      case 502 -> "Bad Gateway\n";
      case 504 -> "Gateway Timeout\n";
      default -> "Origin error " + status + "\n";
    };
    byte[] body = text.getBytes(StandardCharsets.US_ASCII);
    HeaderList headers = clientHeaders(c, HeaderList.of("Content-Type", "text/plain; charset=us-ascii",
        "Cache-Control", "no-store"), cacheStatus, -1, false);
    return new CacheResponse(status, headers, c.head ? EMPTY : body, null, null);
  }

  /**
   * What the client receives: the tag header removed unless exposed, Age and Cache-Status set,
   * Cache-Control rewritten for cached responses when the rule says, the key for loopback debug.
   */
  HeaderList clientHeaders(Exchange c, HeaderList origin, String cacheStatus, long ageSeconds, boolean cached) {
    String tagHeader = c.plan.config.invalidation().exposeTags() ? null : c.plan.config.invalidation().tagHeader();
    String clientCc = cached ? c.rp.rule().clientCacheControl() : null;
    List<Header> out = new ArrayList<>(origin.fields().size() + 3);
    String upstreamStatus = null;
    for (Header h : origin.fields()) {
      String n = h.name();
      if (n.equalsIgnoreCase(CacheStatus.HEADER)) {
        // RFC 9211: entries are ordered from the origin outwards, so ours goes last.
        upstreamStatus = upstreamStatus == null ? h.value() : upstreamStatus + ", " + h.value();
        continue;
      }
      if ((ageSeconds >= 0 && n.equalsIgnoreCase("Age")) || n.equalsIgnoreCase("Cache-Key")
          || (tagHeader != null && n.equalsIgnoreCase(tagHeader))
          || (clientCc != null && n.equalsIgnoreCase("Cache-Control"))) {
        continue;
      }
      out.add(h);
    }
    if (clientCc != null) {
      out.add(new Header("Cache-Control", clientCc));
    }
    if (ageSeconds >= 0) {
      out.add(new Header("Age", Long.toString(ageSeconds)));
    }
    out.add(new Header(CacheStatus.HEADER, upstreamStatus == null ? cacheStatus : upstreamStatus + ", " + cacheStatus));
    if (c.request.loopback() && c.fullKey != null
        && c.request.headers().first("Cache-Debug").map(v -> v.trim().equals("1")).orElse(false)) {
      out.add(new Header("Cache-Key", c.fullKey));
    }
    return new HeaderList(out);
  }

  /** Counts the request by what the cache did; background refreshes are not requests. */
  void count(Exchange c, String result, String reason, String tier) {
    if (!c.background) {
      metrics.count(c.rp.name(), result, reason, tier);
    }
  }
}
