package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Hard purges drop entries; soft purges mark them stale so they are served while one request refetches. */
public enum PurgeMode {
  @JsonProperty("Hard") HARD,
  @JsonProperty("Soft") SOFT
}
