package io.cachemesh.sidecar.cache;

import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import java.util.List;

/**
 * One stored response and what the cache needs to serve it: the memory tier holds these, and
 * {@link EntryCodec} turns them into bytes for the shared tier. Immutable; {@code body} is never
 * modified after construction.
 *
 * @param key the full key (primary plus variant), hashed identities only
 * @param primaryKey the key without the variant part; purge by key drops every variant
 * @param path the request path (no query), for path and prefix purges
 * @param rule name of the rule that stored it
 * @param status the origin's status code
 * @param headers the origin's header fields as stored (Set-Cookie never among them)
 * @param body the complete body
 * @param requestTimeMillis RFC 9111 request_time
 * @param responseTimeMillis RFC 9111 response_time
 * @param correctedInitialAgeMillis RFC 9111 corrected_initial_age
 * @param freshnessMillis freshness lifetime after jitter
 * @param staleWhileRevalidateMillis how long after expiry it may be served while one request refreshes it
 * @param staleIfErrorMillis how long after expiry it may be served when the origin fails
 * @param mustRevalidate must-revalidate, proxy-revalidate or s-maxage: never served stale without validation
 * @param noCache the origin said no-cache: revalidated before every use
 * @param tags tags for invalidation
 * @param varyNames lower-case request header names of the origin's Vary; empty when none
 * @param softPurgedAtMillis when a soft purge marked it stale; 0 when never
 */
public record StoredResponse(
    String key,
    String primaryKey,
    String path,
    String rule,
    int status,
    HeaderList headers,
    byte[] body,
    long requestTimeMillis,
    long responseTimeMillis,
    long correctedInitialAgeMillis,
    long freshnessMillis,
    long staleWhileRevalidateMillis,
    long staleIfErrorMillis,
    boolean mustRevalidate,
    boolean noCache,
    List<String> tags,
    List<String> varyNames,
    long softPurgedAtMillis) {

  private static final int OVERHEAD_BYTES = 256;

  public StoredResponse {
    tags = List.copyOf(tags);
    varyNames = List.copyOf(varyNames);
  }

  public long ageMillis(long nowMillis) {
    return correctedInitialAgeMillis + Math.max(0, nowMillis - responseTimeMillis);
  }

  public boolean softPurged() {
    return softPurgedAtMillis != 0;
  }

  /** Remaining freshness (negative once stale); a soft-purged entry is stale since its purge. */
  public long ttlMillis(long nowMillis) {
    if (softPurged()) {
      return -Math.max(1, nowMillis - softPurgedAtMillis);
    }
    return freshnessMillis - ageMillis(nowMillis);
  }

  public boolean hasValidators() {
    return headers.contains("ETag") || headers.contains("Last-Modified");
  }

  public StoredResponse softPurge(long nowMillis) {
    return softPurged() ? this : new StoredResponse(key, primaryKey, path, rule, status, headers, body,
        requestTimeMillis, responseTimeMillis, correctedInitialAgeMillis, freshnessMillis,
        staleWhileRevalidateMillis, staleIfErrorMillis, mustRevalidate, noCache, tags, varyNames,
        Math.max(1, nowMillis));
  }

  /** Bytes it occupies, roughly: body, headers as UTF-16 strings, tags, key and object overhead. */
  public int weight() {
    long w = OVERHEAD_BYTES + body.length + 2L * (key.length() + primaryKey.length() + path.length());
    for (Header h : headers.fields()) {
      w += 48 + 2L * (h.name().length() + h.value().length());
    }
    for (String t : tags) {
      w += 40 + 2L * t.length();
    }
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  /** Milliseconds after responseTime past which it is useless: not fresh, not servable stale, not worth revalidating. */
  public long retentionDeadlineMillis() {
    long windows = Math.max(staleWhileRevalidateMillis, staleIfErrorMillis);
    long validatorGrace = hasValidators() ? Math.max(freshnessMillis, 60_000) : 0;
    return responseTimeMillis - correctedInitialAgeMillis + Math.max(0, freshnessMillis)
        + Math.max(windows, validatorGrace);
  }
}
