package io.cachemesh.sidecar.engine;

import io.cachemesh.api.Scope;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.sidecar.key.KeyFactory;
import io.cachemesh.sidecar.semantics.CacheStatus;
import io.micrometer.core.instrument.Counter;
import java.util.List;

/** What is computed once per rule when a config is applied, so the hit path only looks things up. */
record RulePlan(
    CompiledRule rule, KeyFactory keys, List<TagTemplate> tags, String ruleParam, Counter hits, boolean perUser) {

  static RulePlan of(CompiledConfig config, CompiledRule rule, EngineMetrics metrics) {
    return new RulePlan(
        rule,
        new KeyFactory(config.keyPrefix(), config.keyVersion(), rule.key(), rule.scope()),
        rule.tags().stream().map(TagTemplate::parse).toList(),
        CacheStatus.ruleParam(rule.name()),
        metrics.requests(rule.name(), "hit", "none", "memory"),
        rule.scope() == Scope.PER_USER);
  }

  String name() {
    return rule.name();
  }
}
