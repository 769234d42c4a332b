package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * How matching responses are cached. Used for the site level ({@code spec.defaults}); a rule carries
 * the same fields, and whatever a rule leaves unset comes from here, then from the compiler's
 * built-in defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheSettings(
    @JsonPropertyDescription("false bypasses the cache entirely.")
    Boolean cache,
    @Pattern(Units.DURATION_PATTERN)
    @JsonPropertyDescription("Freshness lifetime when the policy decides it, e.g. 30s, 5m, 1h, 7d.")
    String ttl,
    @Pattern(Units.DURATION_PATTERN)
    @JsonPropertyDescription("How long a stale entry may be served while one request refreshes it (RFC 5861).")
    String staleWhileRevalidate,
    @Pattern(Units.DURATION_PATTERN)
    @JsonPropertyDescription("How long a stale entry may be served when the origin fails (RFC 5861).")
    String staleIfError,
    @Pattern(Units.DURATION_PATTERN)
    @JsonPropertyDescription("If set, 5xx responses are stored for this short negative TTL (at most 5m). Unset: never stored.")
    String errorTtl,
    @JsonPropertyDescription("What else, besides method, host, path and query, goes into the key.")
    VaryBy varyBy,
    @JsonPropertyDescription("Shared: one entry serves everyone who matches the key. PerUser: the key includes the user's identity (required to vary on Authorization).")
    Scope scope,
    @Size(max = 32)
    @JsonPropertyDescription("Tag templates added to every stored response, e.g. product:{id} with {id} a path parameter of the rule.")
    List<String> tags,
    @JsonPropertyDescription("Origin: the origin's Cache-Control/Expires wins and ttl applies only when it says nothing. Policy: ttl wins (private, no-store and Set-Cookie are never stored either way).")
    Precedence precedence,
    @JsonPropertyDescription("Cache-Control sent to clients instead of the origin's, e.g. 'public, max-age=60' or 'no-cache'. Unset: the origin's is passed through.")
    String clientCacheControl) {

  public static CacheSettings empty() {
    return new CacheSettings(null, null, null, null, null, null, null, null, null, null);
  }
}
