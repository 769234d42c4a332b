package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.MemoryTier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The engine's meters. Micrometer names with dots, rendered by the Prometheus registry as
 * {@code cachemesh_requests_total{policy,rule,result,reason,tier}},
 * {@code cachemesh_cache_served_bytes_total}, {@code cachemesh_memory_size_bytes},
 * {@code cachemesh_memory_entries}, {@code cachemesh_memory_evictions_total},
 * {@code cachemesh_coalesced_waiters_total}, {@code cachemesh_purged_entries_total{kind}}.
 * {@code reason} is one of a fixed set of tokens (or {@code none}), so cardinality stays bounded
 * by rules x results x reasons.
 */
final class EngineMetrics {
  static final String REQUESTS = "cachemesh.requests";

  private final MeterRegistry registry;
  private final String policy;
  private final Counter servedBytes;
  private final Counter coalesced;
  /** Looked up on every request: a record's hash reuses its strings' cached hashes, a joined string would be built and hashed. */
  private record RequestTags(String rule, String result, String reason, String tier) {}

  private final ConcurrentMap<RequestTags, Counter> requests = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> purged = new ConcurrentHashMap<>();

  EngineMetrics(MeterRegistry registry, String policy, MemoryTier memory) {
    this.registry = registry;
    this.policy = policy;
    Tags tags = Tags.of("policy", policy);
    this.servedBytes = Counter.builder("cachemesh.cache.served").baseUnit(BaseUnits.BYTES)
        .description("Body bytes served from the cache").tags(tags).register(registry);
    this.coalesced = Counter.builder("cachemesh.coalesced.waiters")
        .description("Requests that waited for another request to the same key instead of going to the origin")
        .tags(tags).register(registry);
    Gauge.builder("cachemesh.memory.size", memory, MemoryTier::weightedSizeBytes).baseUnit(BaseUnits.BYTES)
        .description("Weighted size of the memory tier").tags(tags).register(registry);
    Gauge.builder("cachemesh.memory.entries", memory, MemoryTier::entries)
        .description("Entries in the memory tier").tags(tags).register(registry);
    FunctionCounter.builder("cachemesh.memory.evictions", memory, MemoryTier::evictions)
        .description("Entries evicted from the memory tier for size").tags(tags).register(registry);
  }

  /** The counter for one rule/result/reason/tier; hot callers keep the returned counter. */
  Counter requests(String rule, String result, String reason, String tier) {
    RequestTags id = new RequestTags(rule, result, reason, tier);
    Counter c = requests.get(id);
    if (c != null) {
      return c;
    }
    return requests.computeIfAbsent(id, k -> Counter.builder(REQUESTS)
        .description("Requests by what the cache did")
        .tags("policy", policy, "rule", rule, "result", result, "reason", reason, "tier", tier)
        .register(registry));
  }

  void count(String rule, String result, String reason, String tier) {
    requests(rule, result, reason == null ? "none" : reason, tier).increment();
  }

  /** Sum over rules, reasons and tiers of the requests with this result. */
  long total(String result) {
    double sum = 0;
    for (Counter c : requests.values()) {
      if (result.equals(c.getId().getTag("result"))) {
        sum += c.count();
      }
    }
    return (long) sum;
  }

  void served(long bytes) {
    if (bytes > 0) {
      servedBytes.increment(bytes);
    }
  }

  void coalescedWaiter() {
    coalesced.increment();
  }

  void purged(Purge.Kind kind, long entries) {
    String k = kind.name().toLowerCase(java.util.Locale.ROOT);
    purged.computeIfAbsent(k, x -> Counter.builder("cachemesh.purged.entries")
        .description("Entries dropped or marked stale by purges").tags("policy", policy, "kind", x)
        .register(registry)).increment(entries);
  }
}
