package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's link to its fleet, which may come and go ({@code attachFleet}): the shared tier
 * when there is one, the purge epoch that keeps a shared read overlapping a purge out of memory,
 * the time of this replica's last broker gap, before which no shared entry is trusted, and the
 * broker purges already applied to memory whose shared-tier part is still running.
 */
final class FleetLink {
  private volatile SharedTier tier;
  private final AtomicLong purgeEpoch = new AtomicLong();
  private volatile long gapMillis;
  private final PendingPurges pending = new PendingPurges();

  /** The shared tier now, or null; read once per step so that a detach midway is harmless. */
  SharedTier tier() {
    return tier;
  }

  void attach(SharedTier tier) {
    this.tier = tier;
  }

  void detach() {
    this.tier = null;
  }

  /** Called before every purge of memory. */
  void purgeStarted() {
    purgeEpoch.incrementAndGet();
  }

  /**
   * This replica may have missed events up to {@code nowMillis}. When every replica missed one, no
   * one applied it to the shared tier either, so shared entries requested before now may be ones it
   * should have removed: from now on they are misses here (the refetched entry overwrites them).
   */
  void gap(long nowMillis) {
    gapMillis = Math.max(gapMillis, nowMillis);
  }

  /**
   * Until {@link #sharedPurgeDone}, shared entries the purge matches read as it will leave them
   * ({@link PendingPurges}); call before the memory purge (which moves the epoch).
   */
  Object sharedPurgePending(Purge purge, long nowMillis) {
    return pending.begin(purge, nowMillis);
  }

  /**
   * The shared-tier part of a pending purge finished (or failed). Moves the epoch first: a shared
   * read that began before the shared purge and checks the pending purges after they end must see
   * a moved epoch ({@link #purgedSince}), or it could keep a copy the purge removed in memory.
   */
  void sharedPurgeDone(Object token) {
    purgeStarted();
    pending.end(token);
  }

  /** Whether a purge ran since {@code c}'s last shared read. */
  boolean purgedSince(Exchange c) {
    return purgeEpoch.get() != c.sharedEpoch;
  }

  /**
   * Whether the request may read and write the shared tier at all: not with Authorization, not
   * for rules with scope PerUser, not for a Vary'd key (see {@link DefaultCacheEngine}).
   */
  static boolean eligible(Exchange c, SharedTier tier) {
    return tier != null && tier.storeEnabled() && !c.authorization && !c.rp.perUser() && c.fullKey.equals(c.primary);
  }

  /** The shared entry for the request, or null; one that overlapped a purge is discarded. */
  StoredResponse lookup(Exchange c, SharedTier tier) {
    c.sharedEpoch = purgeEpoch.get();
    StoredResponse s = peek(c, tier);
    return s != null && !purgedSince(c) ? s : null;
  }

  /** The shared entry this replica would consider for the request (none from before its last gap), or null. */
  StoredResponse peek(Exchange c, SharedTier tier) {
    StoredResponse s = tier.get(c.fullKey, gapMillis);
    return s == null ? null : pending.apply(s);
  }
}
