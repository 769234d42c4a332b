package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The query string is always sorted; tracking parameters (utm_*, gclid, fbclid...) are dropped unless kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.keep) && has(self.drop))", message = "set keep or drop, not both")
public record QueryKeying(
    @Size(max = 64)
    @JsonPropertyDescription("Allow list: only these parameters enter the key.")
    List<String> keep,
    @Size(max = 64)
    @JsonPropertyDescription("Deny list: these parameters never enter the key (in addition to tracking parameters). A trailing * matches a prefix.")
    List<String> drop,
    @JsonPropertyDescription("Keep tracking parameters (utm_*, gclid, fbclid...) in the key. Default false.")
    Boolean keepTracking,
    @JsonPropertyDescription("Ignore the query string entirely.")
    Boolean ignore) {}
