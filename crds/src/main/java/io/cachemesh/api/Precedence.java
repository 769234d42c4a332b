package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whose freshness wins: the origin's Cache-Control/Expires, or the policy's ttl. */
public enum Precedence {
  @JsonProperty("Origin") ORIGIN,
  @JsonProperty("Policy") POLICY
}
