package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the operator restarts workloads whose pods miss the sidecar. */
public enum Rollout {
  @JsonProperty("None") NONE,
  @JsonProperty("Restart") RESTART
}
