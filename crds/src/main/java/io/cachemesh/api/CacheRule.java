package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A view-level rule: a match and the cache settings for what it matches (unset fields come from defaults). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheRule(
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @JsonPropertyDescription("Unique name of the rule, shown in Cache-Status and metrics.")
    String name,
    @JsonPropertyDescription("What the rule matches. Unset: every request.")
    RuleMatch match,
    Boolean cache,
    @Pattern(Units.DURATION_PATTERN) String ttl,
    @Pattern(Units.DURATION_PATTERN) String staleWhileRevalidate,
    @Pattern(Units.DURATION_PATTERN) String staleIfError,
    @Pattern(Units.DURATION_PATTERN) String errorTtl,
    VaryBy varyBy,
    Scope scope,
    @Size(max = 32) List<String> tags,
    Precedence precedence,
    String clientCacheControl) {

  /** The rule's cache settings, in the same shape as the site defaults. */
  public CacheSettings settings() {
    return new CacheSettings(
        cache, ttl, staleWhileRevalidate, staleIfError, errorTtl, varyBy, scope, tags, precedence,
        clientCacheControl);
  }
}
