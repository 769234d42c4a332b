package io.cachemesh.sidecar.semantics;

/**
 * Builds RFC 9211 {@code Cache-Status} values for the cache named {@code cachemesh}. The rule
 * that decided is always given as an extension parameter {@code rule="name"} (a string, since rule
 * names may start with a digit), after the registered parameters; {@code detail} carries the
 * tier or the reason as a token, e.g.
 * <pre>
 *   cachemesh; hit; ttl=42; detail=memory; rule="products"
 *   cachemesh; fwd=uri-miss; fwd-status=200; stored; ttl=60; rule="products"
 *   cachemesh; fwd=stale; fwd-status=304; stored; ttl=60; detail=memory; rule="products"
 *   cachemesh; hit; ttl=-3; detail=stale-while-revalidate; rule="products"
 *   cachemesh; fwd=stale; fwd-status=503; ttl=-3; detail=stale-if-error; rule="products"
 *   cachemesh; fwd=bypass; detail=authorization; rule="default"
 *   cachemesh; fwd=miss; fwd-status=200; detail=set-cookie; rule="default"
 * </pre>
 */
public final class CacheStatus {
  public static final String HEADER = "Cache-Status";
  private static final String CACHE = "cachemesh";

  private CacheStatus() {}

  /** Served from the cache without forwarding; ttl in seconds (negative: stale). */
  public static String hit(long ttlMillis, String detail, String ruleParam) {
    StringBuilder sb = new StringBuilder(64).append(CACHE).append("; hit; ttl=").append(seconds(ttlMillis));
    return detail(sb, detail).append(ruleParam).toString();
  }

  /**
   * Forwarded to the origin.
   *
   * @param fwd uri-miss, vary-miss, miss, stale, request, bypass, method
   * @param fwdStatus the origin's status; 0 when there was none
   * @param ttlMillis the stored response's remaining freshness; ignored unless stored or stale served
   */
  public static String forwarded(String fwd, int fwdStatus, boolean stored, boolean withTtl, long ttlMillis,
      String detail, String ruleParam) {
    StringBuilder sb = new StringBuilder(80).append(CACHE).append("; fwd=").append(fwd);
    if (fwdStatus > 0) {
      sb.append("; fwd-status=").append(fwdStatus);
    }
    if (stored) {
      sb.append("; stored");
    }
    if (withTtl) {
      sb.append("; ttl=").append(seconds(ttlMillis));
    }
    return detail(sb, detail).append(ruleParam).toString();
  }

  /** Neither served from the cache nor forwarded (only-if-cached). */
  public static String notForwarded(String detail, String ruleParam) {
    return detail(new StringBuilder(CACHE), detail).append(ruleParam).toString();
  }

  /** The {@code ; rule="name"} parameter, computed once per rule. */
  public static String ruleParam(String rule) {
    return "; rule=\"" + rule.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static StringBuilder detail(StringBuilder sb, String detail) {
    if (detail == null) {
      return sb;
    }
    sb.append("; detail=");
    return detail.indexOf(' ') < 0 ? sb.append(detail) : sb.append('"').append(detail).append('"');
  }

  /** Floor for fresh, ceiling towards minus for stale, so a stale response never shows ttl=0. */
  private static long seconds(long millis) {
    return Math.floorDiv(millis, 1000);
  }
}
