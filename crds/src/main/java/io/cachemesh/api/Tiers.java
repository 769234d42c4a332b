package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tiers(MemoryTier memory, SharedTier shared) {}
