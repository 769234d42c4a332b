package io.cachemesh.sidecar.semantics;

import java.util.List;

/**
 * The Cache-Control directives the cache acts on (RFC 9111 section 5.2, RFC 5861), parsed once.
 * Delta-seconds are -1 when absent. Qualified forms ({@code no-cache="Set-Cookie"},
 * {@code private="X"}) are treated as their unqualified, stricter forms.
 */
public record CacheControl(
    boolean noStore,
    boolean noCache,
    boolean isPrivate,
    boolean isPublic,
    boolean mustRevalidate,
    boolean proxyRevalidate,
    boolean onlyIfCached,
    long maxAge,
    long sMaxAge,
    long maxStale,
    long minFresh,
    long staleWhileRevalidate,
    long staleIfError) {

  public static final CacheControl NONE =
      new CacheControl(false, false, false, false, false, false, false, -1, -1, -1, -1, -1, -1);

  /** Parses every Cache-Control field value; unknown directives are ignored. */
  public static CacheControl parse(List<String> values) {
    if (values.isEmpty()) {
      return NONE;
    }
    Builder b = new Builder();
    for (String value : values) {
      parseInto(value, b);
    }
    return b.build();
  }

  public static CacheControl parse(String value) {
    return value == null ? NONE : parse(List.of(value));
  }

  private static void parseInto(String value, Builder b) {
    int i = 0;
    int n = value.length();
    while (i < n) {
      int end = i;
      boolean quoted = false;
      while (end < n) {
        char c = value.charAt(end);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && !quoted) {
          break;
        }
        end++;
      }
      directive(value.substring(i, end).trim(), b);
      i = end + 1;
    }
  }

  private static void directive(String d, Builder b) {
    if (d.isEmpty()) {
      return;
    }
    int eq = d.indexOf('=');
    String name = (eq < 0 ? d : d.substring(0, eq)).trim().toLowerCase(java.util.Locale.ROOT);
    String arg = eq < 0 ? null : unquote(d.substring(eq + 1).trim());
    switch (name) {
      case "no-store" -> b.noStore = true;
      case "no-cache" -> b.noCache = true;
      case "private" -> b.isPrivate = true;
      case "public" -> b.isPublic = true;
      case "must-revalidate" -> b.mustRevalidate = true;
      case "proxy-revalidate" -> b.proxyRevalidate = true;
      case "only-if-cached" -> b.onlyIfCached = true;
      // RFC 9111 4.2.1: an invalid max-age makes the response stale, hence 0.
      case "max-age" -> b.maxAge = seconds(arg, 0);
      case "s-maxage" -> b.sMaxAge = seconds(arg, 0);
      // A bare max-stale accepts any staleness.
      case "max-stale" -> b.maxStale = arg == null ? Long.MAX_VALUE / 1000 : seconds(arg, 0);
      case "min-fresh" -> b.minFresh = seconds(arg, 0);
      case "stale-while-revalidate" -> b.staleWhileRevalidate = seconds(arg, -1);
      case "stale-if-error" -> b.staleIfError = seconds(arg, -1);
      default -> { }
    }
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"' ? s.substring(1, s.length() - 1) : s;
  }

  /** Delta-seconds: digits only; a value too large for the cache is capped (RFC 9111 1.2.2). */
  static long seconds(String arg, long invalid) {
    if (arg == null || arg.isEmpty()) {
      return invalid;
    }
    long v = 0;
    for (int i = 0; i < arg.length(); i++) {
      char c = arg.charAt(i);
      if (c < '0' || c > '9') {
        return invalid;
      }
      v = v * 10 + (c - '0');
      if (v >= 2147483648L) {
        return 2147483648L;
      }
    }
    return v;
  }

  private static final class Builder {
    boolean noStore, noCache, isPrivate, isPublic, mustRevalidate, proxyRevalidate, onlyIfCached;
    long maxAge = -1, sMaxAge = -1, maxStale = -1, minFresh = -1, staleWhileRevalidate = -1, staleIfError = -1;

    CacheControl build() {
      return new CacheControl(noStore, noCache, isPrivate, isPublic, mustRevalidate, proxyRevalidate, onlyIfCached,
          maxAge, sMaxAge, maxStale, minFresh, staleWhileRevalidate, staleIfError);
    }
  }
}
