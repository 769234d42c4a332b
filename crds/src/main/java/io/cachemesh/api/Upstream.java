package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.IntOrString;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record Upstream(
    @Required
    @JsonPropertyDescription("Name or number of the app container's port. A named port is taken over by the sidecar so Services with a named targetPort reach the cache unchanged.")
    IntOrString port) {}
