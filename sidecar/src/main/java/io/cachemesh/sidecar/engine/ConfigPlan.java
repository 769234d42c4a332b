package io.cachemesh.sidecar.engine;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledRule;
import java.util.IdentityHashMap;
import java.util.Map;

/** A config with its per-rule plans, swapped whole on reconfigure. */
final class ConfigPlan {
  final CompiledConfig config;
  private final Map<CompiledRule, RulePlan> rules = new IdentityHashMap<>();
  private final RulePlan defaults;

  ConfigPlan(CompiledConfig config, EngineMetrics metrics) {
    this.config = config;
    for (CompiledRule r : config.rules()) {
      rules.put(r, RulePlan.of(config, r, metrics));
    }
    this.defaults = RulePlan.of(config, config.defaults(), metrics);
    rules.put(config.defaults(), defaults);
  }

  RulePlan ruleFor(String method, String path) {
    RulePlan p = rules.get(config.ruleFor(method, path));
    return p == null ? defaults : p;
  }
}
