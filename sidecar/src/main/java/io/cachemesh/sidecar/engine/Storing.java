package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.MemoryTier;
import io.cachemesh.sidecar.cache.StoredResponse;

/** Stores an entry: memory now; the shared tier in the background, releasing the request's fleet lock after the write. */
final class Storing {
  private final MemoryTier memory;
  private final FleetLink fleet;

  Storing(MemoryTier memory, FleetLink fleet) {
    this.memory = memory;
    this.fleet = fleet;
  }

  /**
   * The memory tier's admission rule, the same for a response from the origin and an entry from the
   * shared tier: a body of at most the policy's {@code maxObjectSize}.
   */
  static boolean fitsMemory(Exchange c, long bodyLength) {
    return bodyLength <= c.plan.config.memory().maxObjectSizeBytes();
  }

  void store(Exchange c, StoredResponse entry, long now) {
    memory.put(entry);
    SharedTier tier = fleet.tier();
    if (FleetLink.eligible(c, tier) && entry.varyNames().isEmpty()) {
      tier.write(entry, now, c.lock);
      c.lock = null;
    }
  }

  /** The origin now says this may not be stored: the old copy must not be served, stale or not. */
  void forget(StoredResponse entry) {
    memory.remove(entry.key());
  }
}
