package io.cachemesh.sidecar.engine;

import io.cachemesh.api.compiled.CompiledConfig;
import java.util.Map;
import java.util.Optional;

/** What the loopback admin API and config reloads need from the cache. */
public interface CacheAdmin {
  /** @return how many entries were dropped or marked stale */
  long purge(Purge purge);

  /**
   * Purges this replica and, when there is a broker, the shared tier and every other replica (the
   * event is published; KEY purges stay out of the broker). Without a broker, the same as
   * {@link #purge}.
   */
  default PurgeResult purgeEverywhere(Purge purge) {
    return PurgeResult.local(purge(purge));
  }

  /**
   * Debug view of what a request would hit: its key, the rule, and the stored entry's metadata
   * (status, age, ttl, tags, size) if any. Never the body.
   */
  Optional<Map<String, Object>> inspect(CacheRequest request);

  /** Applies a new config to requests that start from now on; in-flight requests finish under the old one. */
  void reconfigure(CompiledConfig config);

  CompiledConfig config();
}
