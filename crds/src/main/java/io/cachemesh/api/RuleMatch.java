package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleMatch(
    @Size(max = 9)
    @JsonPropertyDescription("HTTP methods the rule matches. Unset: GET and HEAD.")
    List<String> methods,
    @JsonPropertyDescription("The path to match. Unset: every path.")
    PathMatch path) {}
