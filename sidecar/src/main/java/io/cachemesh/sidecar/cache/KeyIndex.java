package io.cachemesh.sidecar.cache;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * A secondary index: a name (tag, primary key, path) to the cache keys carrying it. Sets are
 * created and dropped atomically per name, so an add racing a removal never loses the add. Sorted
 * when prefix lookups are needed (paths).
 */
final class KeyIndex {
  private final Map<String, Set<String>> byName;
  private final boolean sorted;

  KeyIndex(boolean sorted) {
    this.sorted = sorted;
    this.byName = sorted ? new ConcurrentSkipListMap<>() : new ConcurrentHashMap<>();
  }

  void add(String name, String key) {
    byName.compute(name, (n, keys) -> {
      Set<String> s = keys == null ? ConcurrentHashMap.newKeySet() : keys;
      s.add(key);
      return s;
    });
  }

  void remove(String name, String key) {
    byName.computeIfPresent(name, (n, keys) -> {
      keys.remove(key);
      return keys.isEmpty() ? null : keys;
    });
  }

  /** A snapshot of the keys under a name. */
  Collection<String> keys(String name) {
    Set<String> s = byName.get(name);
    return s == null ? Set.of() : Set.copyOf(s);
  }

  /** Every key whose name starts with the prefix; only for a sorted index. Visits only matching names. */
  void forPrefix(String prefix, Consumer<String> action) {
    if (!sorted) {
      throw new IllegalStateException("prefix lookup on an unsorted index");
    }
    ConcurrentNavigableMap<String, Set<String>> map = (ConcurrentNavigableMap<String, Set<String>>) byName;
    for (Set<String> keys : map.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values()) {
      Set.copyOf(keys).forEach(action);
    }
  }

  int names() {
    return byName.size();
  }

  void clear() {
    byName.clear();
  }
}
