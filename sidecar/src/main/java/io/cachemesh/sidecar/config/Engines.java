package io.cachemesh.sidecar.config;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.engine.DefaultCacheEngine;
import io.cachemesh.sidecar.proxy.PassThroughEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/** Which engine serves a loaded config. */
public final class Engines {
  /** Builds the engine for a config; the registry is the process's. */
  @FunctionalInterface
  public interface Factory {
    LiveEngine.Active create(CompiledConfig config, MeterRegistry registry);
  }

  private Engines() {}

  /**
   * The caching engine.
   *
   * @param coalesceWait how long a request waits on another one to the same key: as long as that
   *     one may wait for the origin
   */
  public static Factory caching(Clock clock, Duration coalesceWait) {
    return (config, registry) -> LiveEngine.Active.of(new DefaultCacheEngine(config, clock, registry, coalesceWait));
  }

  /** Forwards everything even with a config: the HTTP layer alone, for tests of the proxy itself. */
  public static Factory passThrough() {
    return (config, registry) -> LiveEngine.Active.of(new PassThroughEngine(config));
  }
}
