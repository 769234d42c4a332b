package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryTier(
    @Pattern(Units.SIZE_PATTERN)
    @JsonPropertyDescription("Bytes the memory tier may hold per pod, as a quantity (64Mi). Default 64Mi.")
    String maxSize,
    @Pattern(Units.SIZE_PATTERN)
    @JsonPropertyDescription("Larger responses stream through uncached. Default 1Mi.")
    String maxObjectSize) {}
