package io.cachemesh.sidecar.config;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.proxy.PassThroughEngine;

/** Which engine serves a loaded config. */
public final class Engines {
  private Engines() {}

  public static LiveEngine.Active forConfig(CompiledConfig config) {
    return LiveEngine.Active.of(new PassThroughEngine(config));
  }
}
