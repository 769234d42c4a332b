package io.cachemesh.sidecar.key;

/**
 * The primary key of a request, or why the request may not use the cache.
 *
 * @param primary the key without the Vary variant; null when bypassed
 * @param bypassReason null when the request may use the cache; else a fixed token
 *     ({@code authorization}, {@code cookie})
 * @param authorization whether the request carries Authorization (RFC 9111 3.5 then limits storing)
 */
public record RequestKey(String primary, String bypassReason, boolean authorization) {
  public static RequestKey bypass(String reason, boolean authorization) {
    return new RequestKey(null, reason, authorization);
  }

  public boolean bypassed() {
    return bypassReason != null;
  }
}
