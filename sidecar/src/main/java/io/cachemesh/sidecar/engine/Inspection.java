package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The admin API's debug view of what a request would hit, in memory and in the shared tier; never the body. */
final class Inspection {
  private final Clock clock;
  private final Lookup lookup;
  private final FleetLink fleet;

  Inspection(Clock clock, Lookup lookup, FleetLink fleet) {
    this.clock = clock;
    this.lookup = lookup;
    this.fleet = fleet;
  }

  /** Empty when the request bypasses the cache or nothing is stored for it. */
  Optional<Map<String, Object>> inspect(Exchange c) {
    if (c.bypassReason != null) {
      return Optional.empty();
    }
    StoredResponse e = lookup.find(c);
    SharedTier tier = fleet.tier();
    boolean shared = FleetLink.eligible(c, tier);
    StoredResponse s = shared ? fleet.peek(c, tier) : null;
    if (e == null && s == null) {
      return Optional.empty();
    }
    long now = clock.millis();
    Map<String, Object> view = describe(e != null ? e : s, now);
    view.put("tier", e != null ? "memory" : "shared");
    if (shared) {
      view.put("shared", s == null ? Map.of("cached", false) : describe(s, now));
    }
    return Optional.of(view);
  }

  private static Map<String, Object> describe(StoredResponse e, long now) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("key", e.key());
    view.put("rule", e.rule());
    view.put("status", e.status());
    view.put("age", e.ageMillis(now) / 1000);
    view.put("ttl", Math.floorDiv(e.ttlMillis(now), 1000));
    view.put("tags", e.tags());
    view.put("size", e.weight());
    view.put("stale", e.ttlMillis(now) <= 0);
    view.put("softPurged", e.softPurged());
    view.put("vary", e.varyNames());
    return view;
  }
}
