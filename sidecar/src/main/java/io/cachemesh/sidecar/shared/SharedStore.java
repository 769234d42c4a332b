package io.cachemesh.sidecar.shared;

import io.cachemesh.sidecar.engine.Purge;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The shared (second) tier: entries every replica of a policy can read. Keys are the engine's
 * cache keys; payloads are the engine's encoded entries, opaque here.
 *
 * <p>Contract: no method throws because the store is unreachable, slow or holds bad data; reads
 * then miss, writes are dropped, purges report 0, locks report {@link LockAttempt.Unavailable}.
 * Each such case is counted in a metric.
 */
public interface SharedStore {
  /** The entry, if present, authentic and written for this policy and this key. */
  Optional<SharedHit> get(String key);

  /**
   * Stores (replaces) an entry for {@code ttlMillis}, indexed by its tags and its path so that
   * tag, path, prefix and policy-wide purges find it.
   *
   * @return whether it was stored
   */
  boolean put(String key, byte[] payload, long ttlMillis, Set<String> tags, String path);

  /**
   * Hard: deletes the matching entries. Soft: marks them stale ({@link SharedHit#stale()}), keeping
   * their expiry. KEY values are engine keys, PATH exact paths, PREFIX path prefixes, TAG tags.
   *
   * @return how many stored entries were deleted or marked
   */
  long purge(Purge purge);

  /** Fleet-wide single flight for regenerating {@code key}; the lock expires after {@code ttlMillis} whatever happens. */
  LockAttempt tryLock(String key, long ttlMillis);

  /**
   * Releases the lock only if it is still the one {@code attempt} acquired, and then announces to
   * the replicas waiting on it ({@link #watchFill}) that it is done. @return whether it was released
   */
  boolean unlock(LockAttempt.Acquired attempt);

  /**
   * A future completed when the holder of {@code key}'s fleet lock releases it (after writing the
   * entry, or without one). It may never complete (the announcement was lost, the holder died):
   * callers wait with a bound, then read the store again. Pass it to {@link #unwatchFill} when done.
   * Without notifications, a future that never completes.
   */
  default CompletableFuture<Void> watchFill(String key) {
    return new CompletableFuture<>();
  }

  default void unwatchFill(String key, CompletableFuture<Void> watch) {}
}
