package io.cachemesh.sidecar.engine;

import java.util.List;

/**
 * What to drop (hard) or mark stale (soft). The same value whether it came from the loopback admin
 * API, an unsafe request passing through, or (later) a broker event.
 *
 * @param values the keys, paths, prefixes or tags; empty for ALL
 */
public record Purge(Kind kind, List<String> values, boolean soft) {
  public enum Kind { KEY, PATH, PREFIX, TAG, ALL }

  public Purge {
    values = List.copyOf(values);
  }
}
