package io.cachemesh.api.compiled;

import io.cachemesh.api.Precedence;
import io.cachemesh.api.Scope;
import java.util.List;
import java.util.Map;

/**
 * One rule with everything resolved.
 *
 * @param methods upper-case methods the rule matches
 * @param path what path it matches; null for every path
 * @param errorTtlMillis 0: 5xx responses are never stored
 * @param tags tag templates; {@code {param}} refers to a path parameter of {@code path}
 * @param clientCacheControl sent to clients instead of the origin's; null to pass the origin's on
 */
public record CompiledRule(
    String name,
    List<String> methods,
    CompiledPath path,
    boolean cache,
    long ttlMillis,
    long staleWhileRevalidateMillis,
    long staleIfErrorMillis,
    long errorTtlMillis,
    KeySpec key,
    Scope scope,
    List<String> tags,
    Precedence precedence,
    String clientCacheControl) {

  public boolean matches(String method, String requestPath) {
    return methods.contains(method) && (path == null || path.matches(requestPath));
  }

  /** Path parameters of a matching path, for tag templates; empty when there are none. */
  public Map<String, String> pathParams(String requestPath) {
    return path == null ? Map.of() : path.params(requestPath);
  }
}
