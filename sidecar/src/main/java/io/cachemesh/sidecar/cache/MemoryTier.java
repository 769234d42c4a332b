package io.cachemesh.sidecar.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The memory tier: Caffeine bounded by bytes (each entry weighs its body, headers and overhead),
 * plus indexes by tag, by primary key (all Vary variants) and by path (sorted, for prefixes), so a
 * purge touches only the entries it drops, never the whole cache.
 *
 * <p>Index consistency: every write and explicit removal goes through the map's atomic
 * {@code compute} for that key, and evictions through Caffeine's synchronous eviction listener,
 * which runs inside the same atomic operation; an index never points at fewer entries than the
 * cache holds, and drops names as their last entry leaves. A put may be rejected by Caffeine's
 * admission policy: callers never assume a put is readable.
 *
 * <p>Entries expire (are dropped, not merely stale) once neither fresh, nor servable stale, nor
 * worth revalidating: see {@link StoredResponse#retentionDeadlineMillis()}.
 */
public final class MemoryTier {
  private final Cache<String, StoredResponse> cache;
  private final ConcurrentMap<String, StoredResponse> map;
  private final Cache<String, List<String>> varyNames;
  private final KeyIndex byTag = new KeyIndex(false);
  private final KeyIndex byPrimary = new KeyIndex(false);
  private final KeyIndex byPath = new KeyIndex(true);
  private final LongAdder evictions = new LongAdder();
  private final LongAdder purgeVisits = new LongAdder();
  private final Clock clock;
  /** Until an origin first answers with Vary, lookups skip the Vary index (most apps never vary). */
  private volatile boolean anyVary;

  public MemoryTier(long maxSizeBytes, Clock clock) {
    this.clock = clock;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxSizeBytes)
        .weigher((String k, StoredResponse v) -> v.weight())
        .expireAfter(new RetentionExpiry(clock))
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        // Maintenance (eviction, expiry) runs on the common pool, never on the IO thread of a hit;
        // the eviction listener still runs inside the atomic removal, which keeps indexes exact.
        .evictionListener((String k, StoredResponse v, RemovalCause cause) -> {
          if (k != null && v != null) {
            unindex(k, v, null);
          }
          if (cause == RemovalCause.SIZE) {
            evictions.increment();
          }
        })
        .build();
    this.map = cache.asMap();
    this.varyNames = Caffeine.newBuilder().maximumSize(65_536).executor(Runnable::run).build();
  }

  public StoredResponse get(String key) {
    return cache.getIfPresent(key);
  }

  /** Vary header names last seen for a primary key; empty when the origin did not vary (or it was forgotten). */
  public List<String> varyNames(String primaryKey) {
    if (!anyVary) {
      return List.of();
    }
    List<String> names = varyNames.getIfPresent(primaryKey);
    return names == null ? List.of() : names;
  }

  public void put(StoredResponse entry) {
    if (entry.varyNames().isEmpty()) {
      varyNames.invalidate(entry.primaryKey());
    } else {
      anyVary = true;
      varyNames.put(entry.primaryKey(), entry.varyNames());
    }
    map.compute(entry.key(), (k, old) -> {
      if (old != null) {
        unindex(k, old, entry);
      }
      index(k, entry);
      return entry;
    });
  }

  /** Drops one key (exactly); true when it was present. */
  public boolean remove(String key) {
    boolean[] removed = {false};
    map.computeIfPresent(key, (k, old) -> {
      unindex(k, old, null);
      removed[0] = true;
      return null;
    });
    return removed[0];
  }

  private boolean softPurge(String key, long now) {
    boolean[] marked = {false};
    map.computeIfPresent(key, (k, old) -> {
      marked[0] = !old.softPurged();
      return old.softPurge(now);
    });
    return marked[0];
  }

  /** Each value is a primary key (every Vary variant goes) or one variant's full key. */
  public long purgeKeys(Collection<String> primaryKeys, boolean soft) {
    Set<String> keys = new LinkedHashSet<>();
    for (String primary : primaryKeys) {
      keys.addAll(byPrimary.keys(primary));
      if (map.containsKey(primary)) {
        keys.add(primary);
      }
    }
    return apply(keys, soft);
  }

  public long purgeTags(Collection<String> tags, boolean soft) {
    List<String> keys = new ArrayList<>();
    for (String tag : tags) {
      keys.addAll(byTag.keys(tag));
    }
    return apply(keys, soft);
  }

  public long purgePaths(Collection<String> paths, boolean soft) {
    List<String> keys = new ArrayList<>();
    for (String path : paths) {
      keys.addAll(byPath.keys(path));
    }
    return apply(keys, soft);
  }

  public long purgePrefixes(Collection<String> prefixes, boolean soft) {
    List<String> keys = new ArrayList<>();
    for (String prefix : prefixes) {
      byPath.forPrefix(prefix, keys::add);
    }
    return apply(keys, soft);
  }

  /** Everything: the only purge that visits every entry, by nature. */
  public long purgeAll(boolean soft) {
    return apply(List.copyOf(map.keySet()), soft);
  }

  /**
   * Soft purge by an event's time (a broker event, possibly replayed late): marks what the
   * selection matches, as {@link #purgeKeys}, {@link #purgeTags}, {@link #purgePaths},
   * {@link #purgePrefixes} and {@link #purgeAll} do, but only entries whose request was sent
   * before {@code eventTimeMillis}: those fetched after the event already reflect it and stay fresh.
   */
  public long softPurgeSentBefore(Selection selection, Collection<String> values, long eventTimeMillis) {
    List<String> keys = new ArrayList<>();
    switch (selection) {
      case KEYS -> {
        for (String primary : values) {
          keys.addAll(byPrimary.keys(primary));
          if (map.containsKey(primary)) {
            keys.add(primary);
          }
        }
      }
      case TAGS -> values.forEach(tag -> keys.addAll(byTag.keys(tag)));
      case PATHS -> values.forEach(path -> keys.addAll(byPath.keys(path)));
      case PREFIXES -> values.forEach(prefix -> byPath.forPrefix(prefix, keys::add));
      case ALL -> keys.addAll(map.keySet());
    }
    long now = clock.millis();
    long n = 0;
    for (String key : new LinkedHashSet<>(keys)) {
      purgeVisits.increment();
      if (softPurge(key, now, eventTimeMillis)) {
        n++;
      }
    }
    return n;
  }

  /** What {@link #softPurgeSentBefore} selects by, as the purge methods above. */
  public enum Selection { KEYS, TAGS, PATHS, PREFIXES, ALL }

  private boolean softPurge(String key, long now, long sentBefore) {
    boolean[] marked = {false};
    map.computeIfPresent(key, (k, old) -> {
      if (old.softPurged() || old.requestTimeMillis() >= sentBefore) {
        return old;
      }
      marked[0] = true;
      return old.softPurge(now);
    });
    return marked[0];
  }

  private long apply(Collection<String> keys, boolean soft) {
    long now = clock.millis();
    long n = 0;
    for (String key : keys) {
      purgeVisits.increment();
      if (soft ? softPurge(key, now) : remove(key)) {
        n++;
      }
    }
    return n;
  }

  /** Drops everything and the remembered Vary names (keyVersion bump). */
  public void clear() {
    purgeAll(false);
    varyNames.invalidateAll();
  }

  public void setMaximumBytes(long maxBytes) {
    cache.policy().eviction().ifPresent(e -> e.setMaximum(maxBytes));
  }

  public long maximumBytes() {
    return cache.policy().eviction().map(e -> e.getMaximum()).orElse(0L);
  }

  public long weightedSizeBytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  public long entries() {
    return cache.estimatedSize();
  }

  public long evictions() {
    return evictions.sum();
  }

  /** Entries visited by purges so far: tests use it to show purges do not scan unrelated entries. */
  public long purgeVisits() {
    return purgeVisits.sum();
  }

  /** Runs pending maintenance (evictions, expiry) now. */
  public void cleanUp() {
    cache.cleanUp();
  }

  /** Number of names in the tag index: it shrinks as entries leave, so it is bounded by the cache. */
  public int indexedTags() {
    return byTag.names();
  }

  public int indexedPaths() {
    return byPath.names();
  }

  private void index(String key, StoredResponse e) {
    byPrimary.add(e.primaryKey(), key);
    byPath.add(e.path(), key);
    for (String tag : e.tags()) {
      byTag.add(tag, key);
    }
  }

  /** Removes the old entry's index names, except those the replacing entry (may be null) keeps. */
  private void unindex(String key, StoredResponse old, StoredResponse replacement) {
    forNames(old, (kind, name) -> {
      if (replacement == null || !hasName(replacement, kind, name)) {
        kind.remove(name, key);
      }
    });
  }

  private void forNames(StoredResponse e, java.util.function.BiConsumer<KeyIndex, String> action) {
    action.accept(byPrimary, e.primaryKey());
    action.accept(byPath, e.path());
    for (String tag : e.tags()) {
      action.accept(byTag, tag);
    }
  }

  private boolean hasName(StoredResponse e, KeyIndex kind, String name) {
    if (kind == byPrimary) {
      return e.primaryKey().equals(name);
    }
    if (kind == byPath) {
      return e.path().equals(name);
    }
    return e.tags().contains(name);
  }

  /** Expires an entry at its retention deadline, measured on the injected clock. */
  private record RetentionExpiry(Clock clock) implements Expiry<String, StoredResponse> {
    @Override
    public long expireAfterCreate(String key, StoredResponse value, long currentTime) {
      return remaining(value);
    }

    @Override
    public long expireAfterUpdate(String key, StoredResponse value, long currentTime, long currentDuration) {
      return remaining(value);
    }

    @Override
    public long expireAfterRead(String key, StoredResponse value, long currentTime, long currentDuration) {
      return currentDuration;
    }

    private long remaining(StoredResponse value) {
      long ms = Math.max(1000, value.retentionDeadlineMillis() - clock.millis());
      return TimeUnit.MILLISECONDS.toNanos(Math.min(ms, TimeUnit.DAYS.toMillis(3650)));
    }
  }

}
