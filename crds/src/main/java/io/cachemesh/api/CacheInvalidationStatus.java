package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheInvalidationStatus(
    Phase phase,
    @JsonPropertyDescription("Id of the event in the policy's stream, recorded before Published so a restart never publishes twice.")
    String streamId,
    @JsonPropertyDescription("When the event was accepted by the broker (RFC 3339).")
    String publishedAt,
    @JsonPropertyDescription("Why the invalidation failed or is pending.")
    String message,
    @JsonPropertyDescription("Sidecars that reported having applied the event.")
    Integer acknowledgedPods,
    Long observedGeneration) {

  public enum Phase {
    @JsonProperty("Pending") PENDING,
    @JsonProperty("Published") PUBLISHED,
    @JsonProperty("Failed") FAILED
  }
}
