package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.shared.LockAttempt;
import io.cachemesh.sidecar.shared.SharedHit;
import io.cachemesh.sidecar.shared.SharedStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A shared tier in a map, with the lock answer chosen by the test and every call counted. */
final class FakeSharedStore implements SharedStore {
  /** @param requestTime the entry's {@code t}; 0 when written without one */
  record Stored(byte[] payload, long ttlMillis, Set<String> tags, String path, long softPurgedAt, long requestTime) {}

  final Map<String, Stored> entries = new ConcurrentHashMap<>();
  final AtomicInteger gets = new AtomicInteger();
  final List<Purge> purges = new CopyOnWriteArrayList<>();
  volatile LockAttempt lockAnswer;
  /** Futures of requests waiting for a lock release, by key, as a subscription would hold them. */
  final Map<String, List<CompletableFuture<Void>>> watching = new ConcurrentHashMap<>();

  /** Runs before every read, so a test can make a write land between two reads. */
  volatile Consumer<String> beforeGet = key -> { };
  /** Runs after every read has taken its answer, so a test can make a purge land right after a read. */
  volatile Consumer<String> afterGet = key -> { };

  @Override
  public Optional<SharedHit> get(String key) {
    beforeGet.accept(key);
    gets.incrementAndGet();
    Stored s = entries.get(key);
    afterGet.accept(key);
    return s == null ? Optional.empty() : Optional.of(new SharedHit(s.payload(), 0, s.softPurgedAt(), s.requestTime()));
  }

  @Override
  public boolean put(String key, byte[] payload, long ttlMillis, Set<String> tags, String path) {
    return put(key, payload, ttlMillis, tags, path, 0);
  }

  @Override
  public boolean put(String key, byte[] payload, long ttlMillis, Set<String> tags, String path, long requestTimeMillis) {
    entries.put(key, new Stored(payload, ttlMillis, tags, path, 0, requestTimeMillis));
    return true;
  }

  @Override
  public long purge(Purge purge) {
    purges.add(purge);
    long n = 0;
    for (Map.Entry<String, Stored> e : entries.entrySet()) {
      Stored s = e.getValue();
      boolean match = switch (purge.kind()) {
        case ALL -> true;
        case TAG -> purge.values().stream().anyMatch(s.tags()::contains);
        case PATH -> purge.values().contains(s.path());
        case PREFIX -> purge.values().stream().anyMatch(s.path()::startsWith);
        case KEY -> purge.values().contains(e.getKey());
      };
      if (match) {
        n++;
        if (purge.soft()) {
          e.setValue(new Stored(s.payload(), s.ttlMillis(), s.tags(), s.path(), 1, s.requestTime()));
        } else {
          entries.remove(e.getKey());
        }
      }
    }
    return n;
  }

  @Override
  public LockAttempt tryLock(String key, long ttlMillis) {
    LockAttempt answer = lockAnswer;
    return answer != null ? answer : new LockAttempt.Acquired(key, "token");
  }

  @Override
  public boolean unlock(LockAttempt.Acquired attempt) {
    announceRelease(attempt.key());
    return true;
  }

  /** What another replica's unlock publishes: wakes the waiters of {@code key}. */
  void announceRelease(String key) {
    List<CompletableFuture<Void>> waiters = watching.remove(key);
    if (waiters != null) {
      waiters.forEach(f -> f.complete(null));
    }
  }

  @Override
  public CompletableFuture<Void> watchFill(String key) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    watching.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(f);
    return f;
  }

  @Override
  public void unwatchFill(String key, CompletableFuture<Void> watch) {
    watching.computeIfPresent(key, (k, l) -> {
      l.remove(watch);
      return l.isEmpty() ? null : l;
    });
  }
}
