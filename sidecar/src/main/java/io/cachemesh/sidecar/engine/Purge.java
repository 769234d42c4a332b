package io.cachemesh.sidecar.engine;

import java.util.List;

/**
 * What to drop (hard) or mark stale (soft). The same value whether it came from the loopback admin
 * API, an unsafe request passing through, or a broker event.
 *
 * @param values the keys, paths, prefixes or tags; empty for ALL
 * @param eventTimeMillis when the broker accepted the event (its stream id's time), or
 *     {@link #NOW} for a purge applied as it is made. A soft purge with an event time marks only
 *     entries whose request was sent before it: an event replayed late (after a reconnect) must
 *     not mark copies fetched after the invalidation, which already reflect it.
 */
public record Purge(Kind kind, List<String> values, boolean soft, long eventTimeMillis) {
  public enum Kind { KEY, PATH, PREFIX, TAG, ALL }

  /** No event time: a soft purge marks every matching entry. */
  public static final long NOW = Long.MAX_VALUE;

  public Purge {
    values = List.copyOf(values);
  }

  public Purge(Kind kind, List<String> values, boolean soft) {
    this(kind, values, soft, NOW);
  }
}
