package io.cachemesh.sidecar.cache;

import static io.cachemesh.sidecar.cache.Entries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.redis.testing.MutableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryTierTest {
  private final MutableClock clock = new MutableClock();

  @Test
  void sizeIsBoundedByBytesAndEvictionsAreCounted() {
    MemoryTier tier = new MemoryTier(100_000, clock);
    for (int i = 0; i < 100; i++) {
      tier.put(entry("k" + i, "/p" + i, List.of("t" + i), 10_000, clock.millis()));
    }
    tier.cleanUp();
    assertThat(tier.weightedSizeBytes()).isLessThanOrEqualTo(100_000);
    assertThat(tier.entries()).isLessThan(10);
    assertThat(tier.evictions()).isGreaterThan(90);
  }

  @Test
  void indexesShrinkWithEvictionsSoTheyAreBoundedByTheCache() {
    MemoryTier tier = new MemoryTier(100_000, clock);
    for (int i = 0; i < 1_000; i++) {
      tier.put(entry("k" + i, "/p" + i, List.of("t" + i), 10_000, clock.millis()));
    }
    tier.cleanUp();
    assertThat(tier.indexedTags()).isEqualTo((int) tier.entries());
    assertThat(tier.indexedPaths()).isEqualTo((int) tier.entries());
  }

  @Test
  void expiredEntriesLeaveTheIndexes() {
    MemoryTier tier = new MemoryTier(1_000_000, clock);
    tier.put(entry("k", "/p", List.of("t"), 10, clock.millis()));
    clock.advanceSeconds(3600);
    tier.cleanUp();
    assertThat(tier.get("k")).isNull();
    assertThat(tier.indexedTags()).isZero();
  }

  @Test
  void replacingAnExpiredEntryKeepsItIndexed() {
    MemoryTier tier = new MemoryTier(1_000_000, clock);
    tier.put(entry("k", "/p", List.of("t"), 10, clock.millis()));
    clock.advanceSeconds(3600);
    tier.put(entry("k", "/p", List.of("t"), 10, clock.millis()));
    tier.cleanUp();
    assertThat(tier.get("k")).isNotNull();
    assertThat(tier.purgeTags(List.of("t"), false)).isEqualTo(1);
    assertThat(tier.get("k")).isNull();
  }

  @Test
  void replacingAnEntryMovesItsTags() {
    MemoryTier tier = new MemoryTier(1_000_000, clock);
    tier.put(entry("k", "/p", List.of("old", "both"), 10, clock.millis()));
    tier.put(entry("k", "/p", List.of("new", "both"), 10, clock.millis()));
    assertThat(tier.purgeTags(List.of("old"), false)).isZero();
    assertThat(tier.purgeTags(List.of("both"), true)).isEqualTo(1);
    assertThat(tier.get("k").softPurged()).isTrue();
    assertThat(tier.purgeTags(List.of("new"), false)).isEqualTo(1);
  }

  @Test
  void concurrentPutsAndPurgesNeverLeaveAnEntryUnindexed() throws Exception {
    MemoryTier tier = new MemoryTier(10_000_000, clock);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 2_000; i++) {
          String key = "k" + (i % 50);
          if ((i + id) % 3 == 0) {
            tier.purgeTags(List.of("tag-" + key), false);
          } else {
            tier.put(entry(key, "/" + key, List.of("tag-" + key), 10, clock.millis()));
          }
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    for (int i = 0; i < 50; i++) {
      tier.purgeTags(List.of("tag-k" + i), false);
    }
    assertThat(tier.entries()).isZero();
    assertThat(tier.indexedTags()).isZero();
  }

  @Test
  void aPutMayBeRejectedButNeverCorruptsTheIndexes() {
    MemoryTier tier = new MemoryTier(1_000, clock);
    tier.put(entry("huge", "/huge", List.of("t"), 5_000, clock.millis()));
    tier.cleanUp();
    assertThat(tier.get("huge")).isNull();
    assertThat(tier.indexedTags()).isZero();
  }
}
