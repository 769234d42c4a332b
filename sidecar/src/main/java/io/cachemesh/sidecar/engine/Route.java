package io.cachemesh.sidecar.engine;

/**
 * What the IO thread does with a request before anything may block: answer it from memory, relay
 * it to the origin without leaving the thread (nothing will be stored), or hand it to the full
 * path on a virtual thread.
 */
public sealed interface Route {
  Route FULL = new Full();

  /** A response from memory, ready to write. */
  record Serve(CacheResponse response) implements Route {}

  /** Goes to the origin as it is and streams back; {@code plan} names what the cache says about it. */
  record Relay(RelayPlan plan) implements Route {}

  /** Everything else: {@link CacheEngine#handle} on a virtual thread. */
  record Full() implements Route {}
}
