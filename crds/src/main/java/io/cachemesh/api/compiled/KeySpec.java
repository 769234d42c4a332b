package io.cachemesh.api.compiled;

import java.util.List;

/**
 * What enters a cache key besides method class, host and path.
 *
 * @param headers lower-case request header names, sorted
 * @param cookies cookie names, sorted
 * @param queryMode ALL (every parameter but the dropped ones), KEEP (only {@code queryParams}),
 *     DROP (all but {@code queryParams}), IGNORE (no query string)
 * @param queryParams the allow or deny list; a trailing {@code *} matches a prefix
 * @param dropTracking drop utm_*, gclid, fbclid and similar tracking parameters
 */
public record KeySpec(
    List<String> headers,
    List<String> cookies,
    QueryMode queryMode,
    List<String> queryParams,
    boolean dropTracking) {

  public enum QueryMode { ALL, KEEP, DROP, IGNORE }

  /** Tracking parameters dropped by default, as Varnish and CDN setups commonly strip them. */
  public static final List<String> TRACKING_PARAMS =
      List.of("utm_*", "gclid", "fbclid", "msclkid", "dclid", "gbraid", "wbraid", "mc_cid", "mc_eid", "_ga", "_gl", "yclid");
}
