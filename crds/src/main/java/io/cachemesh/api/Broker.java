package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * The Redis connection. The Secret holds {@code url} (redis://, rediss://, redis-cluster://,
 * redis-sentinel://), optional {@code username}, {@code password}, {@code ca.crt}, and
 * {@code hmacKey}, the key that authenticates shared-tier entries.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Broker(
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    @JsonPropertyDescription("Name of a Secret in the policy's namespace holding url, username, password, ca.crt and hmacKey.")
    String secretName) {}
