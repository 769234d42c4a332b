package io.cachemesh.sidecar.key;

import io.cachemesh.api.compiled.KeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The query string as it enters a key: parameters filtered per {@link KeySpec} (keep list, drop
 * list, tracking parameters, ignore) and sorted by name. The sort is stable, so repeated
 * parameters ({@code a=2&a=1}) keep their order, which applications may give meaning to. Names
 * are compared percent-decoded; values stay as received.
 */
public final class QueryNormalizer {
  private final KeySpec.QueryMode mode;
  private final NameSet listed;
  private final NameSet tracking;

  public QueryNormalizer(KeySpec spec) {
    this.mode = spec.queryMode();
    this.listed = new NameSet(spec.queryParams());
    this.tracking = spec.dropTracking() && mode != KeySpec.QueryMode.KEEP ? new NameSet(KeySpec.TRACKING_PARAMS) : null;
  }

  /** The normalised query, "" when nothing is left. */
  public String normalize(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty() || mode == KeySpec.QueryMode.IGNORE) {
      return "";
    }
    List<String[]> kept = new ArrayList<>();
    int i = 0;
    int n = rawQuery.length();
    while (i <= n) {
      int amp = rawQuery.indexOf('&', i);
      int end = amp < 0 ? n : amp;
      if (end > i) {
        String part = rawQuery.substring(i, end);
        int eq = part.indexOf('=');
        String name = decode(eq < 0 ? part : part.substring(0, eq));
        if (keep(name)) {
          kept.add(new String[] {name, part});
        }
      }
      if (amp < 0) {
        break;
      }
      i = amp + 1;
    }
    if (kept.isEmpty()) {
      return "";
    }
    kept.sort(Comparator.comparing(p -> p[0]));
    StringBuilder sb = new StringBuilder(rawQuery.length());
    for (String[] p : kept) {
      if (!sb.isEmpty()) {
        sb.append('&');
      }
      sb.append(p[1]);
    }
    return sb.toString();
  }

  private boolean keep(String name) {
    return switch (mode) {
      case KEEP -> listed.contains(name);
      case DROP -> !listed.contains(name) && (tracking == null || !tracking.contains(name));
      case ALL -> tracking == null || !tracking.contains(name);
      case IGNORE -> false;
    };
  }

  private static String decode(String name) {
    if (name.indexOf('%') < 0 && name.indexOf('+') < 0) {
      return name;
    }
    try {
      return URLDecoder.decode(name, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return name;
    }
  }

  /** Exact names plus prefixes (entries ending in '*'). */
  private static final class NameSet {
    private final Set<String> exact = new HashSet<>();
    private final List<String> prefixes = new ArrayList<>();

    NameSet(List<String> names) {
      for (String n : names) {
        if (n.endsWith("*")) {
          prefixes.add(n.substring(0, n.length() - 1));
        } else {
          exact.add(n);
        }
      }
    }

    boolean contains(String name) {
      if (exact.contains(name)) {
        return true;
      }
      for (String p : prefixes) {
        if (name.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
  }
}
