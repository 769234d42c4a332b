package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.MemoryTier;
import io.cachemesh.sidecar.cache.StoredResponse;
import io.cachemesh.sidecar.key.KeyFactory;
import java.util.List;

/** Finds the memory entry for a request: the variant its stored Vary selects, setting the full key. */
final class Lookup {
  private final MemoryTier memory;

  Lookup(MemoryTier memory) {
    this.memory = memory;
  }

  /** The entry for the request's variant, or null; sets {@code fullKey} and {@code missKind}. */
  StoredResponse find(Exchange c) {
    List<String> vary = memory.varyNames(c.primary);
    if (vary.isEmpty()) {
      c.fullKey = c.primary;
      c.missKind = "uri-miss";
    } else {
      c.fullKey = c.primary + KeyFactory.variant(vary, c.request.headers());
      c.missKind = "vary-miss";
    }
    StoredResponse e = memory.get(c.fullKey);
    if (e != null && !e.varyNames().equals(vary)) {
      return null;
    }
    return e;
  }

  /** Whether {@code stored} is the variant the request selects. */
  static boolean sameVariant(Exchange c, StoredResponse stored) {
    return KeyFactory.variant(stored.varyNames(), c.request.headers()).equals(stored.key().substring(stored.primaryKey().length()));
  }
}
