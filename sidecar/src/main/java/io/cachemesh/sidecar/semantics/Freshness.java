package io.cachemesh.sidecar.semantics;

import io.cachemesh.sidecar.engine.HeaderList;

/** RFC 9111 4.2: freshness lifetime and age, in milliseconds. */
public final class Freshness {
  /** Status codes a cache may store with heuristic (here: the policy's default) freshness, RFC 9110 15.1. */
  private static final int[] HEURISTIC = {200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501};

  private Freshness() {}

  public static boolean heuristicallyCacheable(int status) {
    for (int s : HEURISTIC) {
      if (s == status) {
        return true;
      }
    }
    return false;
  }

  /**
   * The lifetime the origin gives explicitly for a shared cache: s-maxage, else max-age, else
   * Expires minus Date (RFC 9111 4.2.1); -1 when it says nothing. An invalid Expires means already
   * expired (0).
   */
  public static long explicitLifetime(CacheControl cc, HeaderList headers, long responseTimeMillis) {
    if (cc.sMaxAge() >= 0) {
      return cc.sMaxAge() * 1000;
    }
    if (cc.maxAge() >= 0) {
      return cc.maxAge() * 1000;
    }
    var expires = headers.first("Expires");
    if (expires.isEmpty()) {
      return -1;
    }
    long exp = HttpDates.parse(expires.get());
    if (exp == HttpDates.INVALID) {
      return 0;
    }
    long date = HttpDates.parse(headers.first("Date").orElse(null));
    return Math.max(0, exp - (date == HttpDates.INVALID ? responseTimeMillis : date));
  }

  /** corrected_initial_age of RFC 9111 4.2.3. */
  public static long correctedInitialAge(HeaderList headers, long requestTimeMillis, long responseTimeMillis) {
    long date = HttpDates.parse(headers.first("Date").orElse(null));
    long apparentAge = date == HttpDates.INVALID ? 0 : Math.max(0, responseTimeMillis - date);
    long ageValue = CacheControl.seconds(headers.first("Age").map(String::trim).orElse(null), 0) * 1000;
    long responseDelay = Math.max(0, responseTimeMillis - requestTimeMillis);
    return Math.max(apparentAge, ageValue + responseDelay);
  }

  /** current_age of RFC 9111 4.2.3. */
  public static long currentAge(long correctedInitialAgeMillis, long responseTimeMillis, long nowMillis) {
    return correctedInitialAgeMillis + Math.max(0, nowMillis - responseTimeMillis);
  }

  /**
   * TTL jitter: the lifetime less a deterministic 0..10% derived from the key, so replicas and
   * entries stored at the same moment do not all expire together, while one key expires at the
   * same time on every replica that stored it together (no flapping).
   */
  public static long jitter(long lifetimeMillis, String key) {
    if (lifetimeMillis <= 0) {
      return lifetimeMillis;
    }
    int h = key.hashCode() * 0x9E3779B1;
    long permille = ((h ^ (h >>> 16)) & 0x7fffffff) % 1000;
    return lifetimeMillis - lifetimeMillis * permille / 10_000;
  }
}
