package io.cachemesh.api.validation;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.CacheSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The semantic checks the CRD schema cannot express. One place, used by the validating webhook,
 * the operator and the standalone sidecar (which reads policy files that never saw an API server,
 * so the few schema rules that matter to the compiler are checked again here).
 *
 * <p>Contract: returns every error found, in a stable order, each naming its field as kubectl would
 * ({@code spec.rules[2].ttl}) and saying how to fix it; an empty list means the policy compiles.
 */
public final class PolicyValidator {
  public List<FieldError> validate(CachePolicy policy) {
    List<FieldError> errors = new ArrayList<>();
    if (policy.getMetadata() == null || isBlank(policy.getMetadata().getName())) {
      errors.add(new FieldError("metadata.name", "is required: name the policy"));
    }
    CachePolicySpec spec = policy.getSpec();
    if (spec == null) {
      errors.add(new FieldError("spec", "is required: a policy needs at least spec.upstream.port"));
      return List.copyOf(errors);
    }
    SpecChecks.check(spec, errors);
    SelectorCheck.check(spec.selector(), errors);
    CacheSettings site = spec.defaults() == null ? CacheSettings.empty() : spec.defaults();
    if (spec.defaults() != null) {
      SettingsChecks.check("spec.defaults", site, CacheSettings.empty(), errors);
      TagTemplateCheck.checkSiteTags(site.tags(), errors);
    }
    List<RuleView> rules = RuleChecks.check(spec.rulesOrEmpty(), site, errors);
    ShadowCheck.check(rules, errors);
    return List.copyOf(errors);
  }

  static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
