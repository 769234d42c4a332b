package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether one stored response serves every client (Shared) or only the identity it was stored for (PerUser). */
public enum Scope {
  @JsonProperty("Shared") SHARED,
  @JsonProperty("PerUser") PER_USER
}
