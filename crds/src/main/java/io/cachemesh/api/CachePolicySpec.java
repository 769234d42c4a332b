package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.rules) || self.rules.all(r, self.rules.exists_one(o, o.name == r.name))",
    message = "rule names must be unique")
public record CachePolicySpec(
    @JsonPropertyDescription("Pods this policy applies to. A pod may also name the policy with the annotation cachemesh.io/policy.")
    LabelSelector selector,
    @Required
    @JsonPropertyDescription("Where the application listens inside the pod.")
    Upstream upstream,
    @JsonPropertyDescription("The site level: applies to every request no rule matches, and fills what a matching rule leaves unset.")
    CacheSettings defaults,
    @Size(max = 100)
    @JsonPropertyDescription("The view level: ordered rules, the first match wins.")
    List<CacheRule> rules,
    @Min(0)
    @JsonPropertyDescription("Bump to drop everything cached under this policy (as Django's VERSION). Default 0.")
    Integer keyVersion,
    @JsonPropertyDescription("The memory and shared tiers.")
    Tiers tiers,
    @JsonPropertyDescription("The Redis broker and shared tier connection.")
    Broker broker,
    @JsonPropertyDescription("How responses are tagged and how invalidations behave.")
    InvalidationSettings invalidation,
    @JsonPropertyDescription("Resources of the injected sidecar container.")
    SidecarSettings sidecar,
    @JsonPropertyDescription("What the operator does with pods that should carry the sidecar but do not: None (report only, default) or Restart (restart the owning Deployment/StatefulSet, as kubectl rollout restart).")
    Rollout rollout) {

  public List<CacheRule> rulesOrEmpty() {
    return rules == null ? List.of() : rules;
  }
}
