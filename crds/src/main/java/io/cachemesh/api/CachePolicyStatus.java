package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Written only by the operator, and only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CachePolicyStatus(
    @JsonPropertyDescription("The metadata.generation this status describes.")
    Long observedGeneration,
    @JsonPropertyDescription("Accepted (the spec is valid and compiled) and Ready (every selected pod serves the current config).")
    List<Condition> conditions,
    @JsonPropertyDescription("Pods matching the selector or annotated for this policy.")
    Integer selectedPods,
    @JsonPropertyDescription("Selected pods carrying the sidecar.")
    Integer injectedPods,
    @JsonPropertyDescription("Sidecars reporting the current config hash.")
    Integer inSyncPods,
    @JsonPropertyDescription("Selected pods with no sidecar or an older sidecar image.")
    Integer outdatedPods,
    @JsonPropertyDescription("Names of up to 20 outdated pods.")
    List<String> outdatedPodNames,
    @JsonPropertyDescription("Content hash of the compiled config in force.")
    String configHash,
    @JsonPropertyDescription("Hits / (hits + misses) reported by the sidecars, 0..1.")
    Double hitRatio,
    @JsonPropertyDescription("hitRatio as a whole percentage, for display.")
    Integer hitPercent) {}
