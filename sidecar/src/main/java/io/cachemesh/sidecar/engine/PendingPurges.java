package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Broker purges this replica applied to memory but not yet to the shared tier (see
 * {@link Purges#fromFleetMemoryFirst}). Until each one's shared-tier purge has finished, a shared
 * entry it matches is read here as the purge will leave it: a hard purge makes it a miss whatever
 * its request time (so no clock is compared, and a copy written after the event only costs one
 * origin request while the window lasts); a soft purge marks it stale when its request was sent
 * before the event, as the shared tier's soft purge will. Nearly always empty: a read costs one
 * volatile load.
 */
final class PendingPurges {
  private record Pending(Purge purge, long markedAtMillis) {}

  private final CopyOnWriteArrayList<Pending> pending = new CopyOnWriteArrayList<>();

  /** Starts a window; the returned token ends it ({@link #end}). */
  Object begin(Purge purge, long nowMillis) {
    Pending p = new Pending(purge, nowMillis);
    pending.add(p);
    return p;
  }

  void end(Object token) {
    pending.remove(token);
  }

  /** The shared entry as this replica may use it now: {@code e}, {@code e} soft-purged, or null. */
  StoredResponse apply(StoredResponse e) {
    StoredResponse out = e;
    for (Pending p : pending) {
      if (!matches(p.purge(), out)) {
        continue;
      }
      if (!p.purge().soft()) {
        return null;
      }
      if (out.requestTimeMillis() < p.purge().eventTimeMillis()) {
        out = out.softPurge(p.markedAtMillis());
      }
    }
    return out;
  }

  /** Whether the purge selects the entry, as the memory tier's and the shared tier's indexes do. */
  static boolean matches(Purge purge, StoredResponse e) {
    return switch (purge.kind()) {
      case ALL -> true;
      case TAG -> purge.values().stream().anyMatch(e.tags()::contains);
      case KEY -> purge.values().stream().anyMatch(k -> k.equals(e.primaryKey()) || k.equals(e.key()));
      case PATH -> purge.values().stream().anyMatch(v -> Purges.pathOf(v).equals(e.path()));
      case PREFIX -> purge.values().stream().anyMatch(v -> e.path().startsWith(Purges.pathOf(v)));
    };
  }
}
