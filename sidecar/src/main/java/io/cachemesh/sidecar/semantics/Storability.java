package io.cachemesh.sidecar.semantics;

import io.cachemesh.api.Precedence;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.sidecar.engine.HeaderList;

/**
 * RFC 9111 section 3 for a shared cache, plus the policy: whether a response to a GET may be
 * stored, and its freshness lifetime and stale windows.
 *
 * <p>Freshness, precedence Origin: s-maxage, then max-age, then Expires minus Date; when the
 * origin gives none, the rule's {@code ttl} acts as the heuristic lifetime, which RFC 9111 4.2.2
 * allows only for heuristically cacheable status codes (RFC 9110 15.1) or a response marked
 * {@code public}; any other status is stored only with explicit freshness. Precedence Policy: the
 * rule's ttl replaces the origin's lifetime (for heuristically cacheable statuses, or ones with
 * explicit freshness), but private, no-store, Set-Cookie and Vary: * still forbid storing.
 * 5xx responses are stored only when the rule has an {@code errorTtl}, for that long.
 *
 * <p>Stale windows: the larger of the rule's and the origin's {@code stale-while-revalidate} /
 * {@code stale-if-error}. When the response says must-revalidate, proxy-revalidate or s-maxage
 * (RFC 9111 4.2.4: a shared cache then never serves it stale without validation) the rule's
 * windows do not apply; only the origin's own explicit RFC 5861 extensions, which say it may.
 */
public final class Storability {
  private Storability() {}

  /**
   * @param requestCc the client's Cache-Control
   * @param authorization whether the request carried Authorization
   * @param perUser whether the rule's scope is PerUser
   * @param contentLength declared body length, -1 unknown
   */
  public static StoreDecision decide(
      CompiledRule rule, CacheControl requestCc, boolean authorization, boolean perUser, String path,
      int status, HeaderList headers, CacheControl cc, long contentLength, long maxObjectSizeBytes,
      long responseTimeMillis) {
    if (requestCc.noStore()) {
      return StoreDecision.no("request-no-store");
    }
    if (cc.noStore()) {
      return StoreDecision.no("no-store");
    }
    if (cc.isPrivate()) {
      return StoreDecision.no("private");
    }
    if (headers.contains("Set-Cookie")) {
      return StoreDecision.no("set-cookie");
    }
    if (varyStar(headers)) {
      return StoreDecision.no("vary-star");
    }
    if (status == 206) {
      return StoreDecision.no("partial");
    }
    if (status == 304) {
      return StoreDecision.no("not-modified");
    }
    if (authorization && !perUser && !(cc.mustRevalidate() || cc.isPublic() || cc.sMaxAge() >= 0)) {
      return StoreDecision.no("authorization");
    }
    if (contentLength > maxObjectSizeBytes) {
      return StoreDecision.no("too-large");
    }
    if (DeceptionGuard.disagrees(path, headers.first("Content-Type").orElse(null))) {
      return StoreDecision.no("deception");
    }
    boolean mustRevalidate = cc.mustRevalidate() || cc.proxyRevalidate() || cc.sMaxAge() >= 0;
    long explicit = Freshness.explicitLifetime(cc, headers, responseTimeMillis);
    long lifetime;
    boolean noCache = cc.noCache();
    if (status >= 500) {
      if (rule.errorTtlMillis() <= 0) {
        return StoreDecision.no("error-status");
      }
      return new StoreDecision(null, rule.errorTtlMillis(), 0, 0, true, false);
    }
    boolean heuristic = Freshness.heuristicallyCacheable(status);
    if (rule.precedence() == Precedence.POLICY) {
      if (!heuristic && explicit < 0) {
        return StoreDecision.no("status");
      }
      lifetime = rule.ttlMillis();
      noCache = false;
    } else if (explicit >= 0) {
      lifetime = explicit;
    } else if (heuristic || cc.isPublic()) {
      lifetime = rule.ttlMillis();
    } else {
      return StoreDecision.no("status");
    }
    long swr = Math.max(mustRevalidate ? 0 : rule.staleWhileRevalidateMillis(), Math.max(0, cc.staleWhileRevalidate()) * 1000);
    long sie = Math.max(mustRevalidate ? 0 : rule.staleIfErrorMillis(), Math.max(0, cc.staleIfError()) * 1000);
    boolean validators = headers.contains("ETag") || headers.contains("Last-Modified");
    if (lifetime <= 0 && swr <= 0 && !validators) {
      return StoreDecision.no("no-freshness");
    }
    return new StoreDecision(null, Math.max(0, lifetime), swr, sie, mustRevalidate, noCache);
  }

  static boolean varyStar(HeaderList headers) {
    for (String v : headers.all("Vary")) {
      for (String part : v.split(",")) {
        if (part.trim().equals("*")) {
          return true;
        }
      }
    }
    return false;
  }
}
