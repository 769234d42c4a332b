package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one of exact, prefix, template or regex. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "[has(self.exact), has(self.prefix), has(self.template), has(self.regex)].filter(x, x).size() == 1",
    message = "set exactly one of exact, prefix, template, regex")
public record PathMatch(
    @JsonPropertyDescription("The path, exactly.")
    String exact,
    @JsonPropertyDescription("Every path starting with this.")
    String prefix,
    @JsonPropertyDescription("A path template with {param} segments, e.g. /products/{id}. Parameters can be used in tag templates.")
    String template,
    @JsonPropertyDescription("A Java regular expression the whole path must match. Named groups can be used in tag templates.")
    String regex) {}
