package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.EntryCodec;
import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.shared.LockAttempt;
import io.cachemesh.sidecar.shared.SharedHit;
import io.cachemesh.sidecar.shared.SharedStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's view of the fleet: the shared store (null when the policy's shared tier is off) and
 * the publisher of fleet-wide purges. Writes run on virtual threads, at most
 * {@link #MAX_PENDING_WRITES} at a time; a write that finds no room is dropped and counted in
 * {@code cachemesh_shared_writes_total{result="dropped"}} rather than queued without bound.
 */
final class SharedTier {
  static final int MAX_PENDING_WRITES = 64;
  private static final Logger LOG = LoggerFactory.getLogger(SharedTier.class);

  private final SharedStore store;
  private final Function<Purge, Optional<String>> publisher;
  private final Executor executor;
  private final Semaphore writeSlots = new Semaphore(MAX_PENDING_WRITES);
  private final MeterRegistry registry;
  private final String policy;
  private final ConcurrentMap<String, Counter> writes = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> waits = new ConcurrentHashMap<>();
  private final Set<String> loggedUndecodable = ConcurrentHashMap.newKeySet();
  private final Counter gapMisses;

  SharedTier(SharedStore store, Function<Purge, Optional<String>> publisher, Executor executor, MeterRegistry registry, String policy) {
    this.store = store;
    this.publisher = publisher;
    this.executor = executor;
    this.registry = registry;
    this.policy = policy;
    this.gapMisses = Counter.builder("cachemesh.shared.gap.misses")
        .description("Shared-tier entries read as misses because their request predates this replica's last broker gap")
        .tag("policy", policy).register(registry);
  }

  boolean storeEnabled() {
    return store != null;
  }

  /**
   * The entry stored for exactly {@code key}, decoded; soft-purged entries come back soft-purged
   * (stale). Null on a miss, on Redis trouble, on a payload that is authentic but does not
   * decode or names another key (counted in {@code cachemesh_shared_rejected_total{reason="entry"}}),
   * and on an entry whose request was sent before {@code requestedNotBefore} (a broker gap: it may
   * have outlived an event nobody applied; counted in {@code cachemesh_shared_gap_misses_total}).
   */
  StoredResponse get(String key, long requestedNotBefore) {
    Optional<SharedHit> hit = store.get(key);
    if (hit.isEmpty()) {
      return null;
    }
    if (hit.get().requestTimeMillis() < requestedNotBefore) {
      gapMisses.increment();
      return null;
    }
    StoredResponse e;
    try {
      e = EntryCodec.decode(hit.get().payload());
    } catch (IOException ex) {
      rejected(ex.getMessage());
      return null;
    }
    if (!e.key().equals(key) || !e.varyNames().isEmpty()) {
      rejected("entry: stored for another key");
      return null;
    }
    return hit.get().stale() ? e.softPurge(hit.get().softPurgedAtMillis()) : e;
  }

  private void rejected(String why) {
    Counter.builder("cachemesh.shared.rejected")
        .description("Shared-tier entries refused on read (tampered, truncated, foreign); each was a miss")
        .tag("policy", policy).tag("reason", "entry").register(registry).increment();
    if (loggedUndecodable.add(why)) {
      LOG.warn("event=shared_entry_undecodable policy={} error=\"{}\"", policy, why);
    }
  }

  LockAttempt tryLock(String key, long ttlMillis) {
    return store.tryLock(key, ttlMillis);
  }

  /**
   * Waits, at most {@code bound}, for the replica holding {@code key}'s lock to release it.
   * Registers before {@code beforeWaiting} runs, so a release between the caller's last read and
   * the wait is not missed; {@code beforeWaiting} returning non-null ends the wait at once.
   *
   * @return what {@code beforeWaiting} returned, else null: released (or lost notification, or bound passed)
   */
  <T> T awaitRelease(String key, Duration bound, Supplier<T> beforeWaiting) {
    CompletableFuture<Void> released = store.watchFill(key);
    try {
      T early = beforeWaiting.get();
      if (early != null) {
        return early;
      }
      released.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      countWait("woken");
    } catch (TimeoutException | ExecutionException e) {
      countWait("bound");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      store.unwatchFill(key, released);
    }
    return null;
  }

  private void countWait(String result) {
    waits.computeIfAbsent(result, r -> Counter.builder("cachemesh.fleet.lock.waits")
        .description("Waits for another replica's fleet lock: woken by its release, or ended by the bound")
        .tag("policy", policy).tag("result", r).register(registry)).increment();
  }

  /**
   * Writes the entry in the background and then releases {@code lock} (may be null), so a replica
   * waiting on the lock finds the entry once the lock is gone.
   */
  void write(StoredResponse e, long nowMillis, LockAttempt.Acquired lock) {
    if (!writeSlots.tryAcquire()) {
      count("dropped");
      release(lock);
      return;
    }
    long ttl = e.retentionDeadlineMillis() - nowMillis;
    Runnable task = () -> {
      try {
        count(store.put(e.key(), EntryCodec.encode(e), ttl, Set.copyOf(e.tags()), e.path(), e.requestTimeMillis())
            ? "stored" : "failed");
      } finally {
        if (lock != null) {
          store.unlock(lock);
        }
        writeSlots.release();
      }
    };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closed) {
      writeSlots.release();
      count("dropped");
    }
  }

  /** Releases a lock without writing (the response was not storable), off the request's thread. */
  void release(LockAttempt.Acquired lock) {
    if (lock == null) {
      return;
    }
    try {
      executor.execute(() -> store.unlock(lock));
    } catch (RejectedExecutionException closed) {
      // The lock expires by its TTL.
    }
  }

  long purge(Purge purge) {
    return store == null ? 0 : store.purge(purge);
  }

  Optional<String> publish(Purge purge) {
    return publisher.apply(purge);
  }

  private void count(String result) {
    writes.computeIfAbsent(result, r -> Counter.builder("cachemesh.shared.writes")
        .description("Shared-tier writes the engine attempted, by result (stored, failed, dropped)")
        .tag("policy", policy).tag("result", r).register(registry)).increment();
  }
}
