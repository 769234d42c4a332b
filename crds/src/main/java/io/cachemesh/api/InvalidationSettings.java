package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvalidationSettings(
    @Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
    @JsonPropertyDescription("Response header carrying space-separated tags. Default Surrogate-Key.")
    String tagHeader,
    @JsonPropertyDescription("Send the tag header on to clients. Default false: it is stripped.")
    Boolean exposeTags,
    @JsonPropertyDescription("Unsafe requests (POST, PUT, PATCH, DELETE) that succeed purge their URI and same-origin Location/Content-Location on every replica. Default true.")
    Boolean purgeOnUnsafe,
    @JsonPropertyDescription("Hard (drop) or Soft (mark stale) for purges that do not say. Default Hard.")
    PurgeMode mode) {}
