package io.cachemesh.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * What enters the cache key besides method, host and path. Naming a request header or a cookie here
 * is also what allows requests carrying it to be cached: requests with Authorization or a Cookie
 * bypass the cache unless the rule says how they are keyed. Identity values enter keys only as hashes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VaryBy(
    @Size(max = 16)
    @JsonPropertyDescription("Request headers whose values enter the key.")
    List<String> headers,
    @Size(max = 16)
    @JsonPropertyDescription("Cookies whose values enter the key. Other cookies are ignored for keying.")
    List<String> cookies,
    @JsonPropertyDescription("How the query string enters the key.")
    QueryKeying query) {}
