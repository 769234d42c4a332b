package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.MemoryTier;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges of this replica's tiers. A purge made here applies to the shared tier first, then to
 * memory, so a lookup between the two cannot refill memory with a purged entry; a purge from the
 * broker applies to memory first and hides what it matches in the shared tier until its shared
 * part has run ({@link #fromFleetMemoryFirst}), for the same reason. Every memory purge moves the
 * fleet's purge epoch first, so a shared read overlapping it is not kept.
 */
final class Purges {
  private static final Logger LOG = LoggerFactory.getLogger(Purges.class);

  private final MemoryTier memory;
  private final HitForMiss hitForMiss;
  private final FleetLink fleet;
  private final EngineMetrics metrics;
  private final Clock clock;

  Purges(MemoryTier memory, HitForMiss hitForMiss, FleetLink fleet, EngineMetrics metrics, Clock clock) {
    this.clock = clock;
    this.memory = memory;
    this.hitForMiss = hitForMiss;
    this.fleet = fleet;
    this.metrics = metrics;
  }

  /** This replica's memory only, logged. */
  long purge(Purge purge) {
    long n = memory(purge);
    LOG.info("event=purge kind={} soft={} values={} entries={}", purge.kind(), purge.soft(), purge.values().size(), n);
    return n;
  }

  /** Shared tier, memory, then the broker (KEY purges stay out of the broker); memory only without a fleet. */
  PurgeResult everywhere(Purge purge) {
    SharedTier tier = fleet.tier();
    if (tier == null) {
      return PurgeResult.local(purge(purge));
    }
    long shared = tier.purge(purge);
    long n = memory(purge);
    String id = purge.kind() == Purge.Kind.KEY ? null : tier.publish(purge).orElse(null);
    LOG.info("event=purge kind={} soft={} values={} entries={} shared_entries={} event_id={}", purge.kind(),
        purge.soft(), purge.values().size(), n, shared, id);
    return new PurgeResult(n, shared, id, true);
  }

  /** A purge the engine originates (unsafe request): shared tier, memory, then published; unlogged. */
  long sharedThenMemoryThenFleet(Purge purge) {
    SharedTier tier = fleet.tier();
    if (tier != null) {
      tier.purge(purge);
    }
    long n = memory(purge);
    if (tier != null) {
      tier.publish(purge);
    }
    return n;
  }

  /**
   * A purge from the broker, memory first: drops (or marks) the matching memory entries at once and
   * returns the shared tier's part, for the caller to run next, off the latency-critical path. Until
   * that has run, shared entries the purge matches read here as the purge will leave them
   * ({@link FleetLink#sharedPurgePending}), so a memory miss in between cannot refill memory from a
   * copy that the shared purge is about to remove: from the return on, this replica serves no
   * entry the purge removed, from any tier. Idempotent: every replica applies every event.
   */
  Runnable fromFleetMemoryFirst(Purge purge) {
    SharedTier tier = fleet.tier();
    if (tier == null || !tier.storeEnabled()) {
      memory(purge);
      return () -> { };
    }
    Object pending = fleet.sharedPurgePending(purge, clock.millis());
    memory(purge);
    return () -> {
      try {
        tier.purge(purge);
      } finally {
        fleet.sharedPurgeDone(pending);
      }
    };
  }

  /**
   * The broker lost events this replica may have needed: nothing in memory can be proven fresh any
   * more, nor anything in the shared tier requested before now (see {@link FleetLink#gap}).
   */
  void brokerGap(String policy, long nowMillis) {
    fleet.gap(nowMillis);
    fleet.purgeStarted();
    memory.clear();
    hitForMiss.clearAll();
    LOG.warn("event=memory_tier_dropped policy={} reason=broker_gap shared_requested_before={}", policy, nowMillis);
  }

  private long memory(Purge purge) {
    fleet.purgeStarted();
    long n = purge.soft() && purge.eventTimeMillis() != Purge.NOW ? softBefore(purge) : switch (purge.kind()) {
      case KEY -> memory.purgeKeys(purge.values(), purge.soft());
      case PATH -> memory.purgePaths(purge.values().stream().map(Purges::pathOf).toList(), purge.soft());
      case PREFIX -> memory.purgePrefixes(purge.values().stream().map(Purges::pathOf).toList(), purge.soft());
      case TAG -> memory.purgeTags(purge.values(), purge.soft());
      case ALL -> memory.purgeAll(purge.soft());
    };
    metrics.purged(purge.kind(), n);
    return n;
  }

  private long softBefore(Purge purge) {
    MemoryTier.Selection selection = switch (purge.kind()) {
      case KEY -> MemoryTier.Selection.KEYS;
      case PATH -> MemoryTier.Selection.PATHS;
      case PREFIX -> MemoryTier.Selection.PREFIXES;
      case TAG -> MemoryTier.Selection.TAGS;
      case ALL -> MemoryTier.Selection.ALL;
    };
    List<String> values = switch (purge.kind()) {
      case PATH, PREFIX -> purge.values().stream().map(Purges::pathOf).toList();
      default -> purge.values();
    };
    return memory.softPurgeSentBefore(selection, values, purge.eventTimeMillis());
  }

  /** A purge path may be given as a path, a path with a query, or an absolute URL: the path is what counts. */
  static String pathOf(String value) {
    String v = value;
    int scheme = v.indexOf("://");
    if (scheme > 0 && scheme < 8) {
      int slash = v.indexOf('/', scheme + 3);
      v = slash < 0 ? "/" : v.substring(slash);
    }
    int q = v.indexOf('?');
    return q < 0 ? v : v.substring(0, q);
  }
}
