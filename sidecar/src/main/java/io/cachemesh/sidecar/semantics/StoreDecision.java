package io.cachemesh.sidecar.semantics;

/**
 * Whether and how long a response may be stored.
 *
 * @param reason null when storable; else a fixed token saying why not (for Cache-Status and metrics)
 */
public record StoreDecision(
    String reason, long freshnessMillis, long staleWhileRevalidateMillis, long staleIfErrorMillis,
    boolean mustRevalidate, boolean noCache) {

  /** Reasons that depend on this request or a passing origin state, not on the URL: no hit-for-miss. */
  public boolean transientReason() {
    return switch (reason) {
      case "error-status", "request-no-store", "partial", "not-modified" -> true;
      default -> false;
    };
  }

  public static StoreDecision no(String reason) {
    return new StoreDecision(reason, 0, 0, 0, false, false);
  }

  public boolean storable() {
    return reason == null;
  }
}
