package io.cachemesh.sidecar.cache;

import io.cachemesh.sidecar.engine.HeaderList;
import java.util.List;

/** Stored responses for tests. */
final class Entries {
  private Entries() {}

  static StoredResponse entry(String key, String path, List<String> tags, int bodyBytes, long now) {
    return new StoredResponse(key, key, path, "default", 200,
        HeaderList.of("Content-Type", "text/plain", "ETag", "\"x\""), new byte[bodyBytes], now - 5, now, 1_000,
        60_000, 10_000, 20_000, false, true, tags, List.of(), 0);
  }
}
