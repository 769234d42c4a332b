package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record SharedTier(
    @JsonPropertyDescription("Share entries between replicas through Redis. Default: on when a broker is configured.")
    Boolean enabled) {}
