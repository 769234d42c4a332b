package io.cachemesh.sidecar.engine;

/**
 * A client request as the cache engine sees it, already parsed and checked by the HTTP layer
 * (a malformed request never gets this far).
 *
 * @param method upper case
 * @param host the Host (authority) the client asked for, lower case, without default port
 * @param path the decoded-as-received path, starting with '/', without the query
 * @param rawQuery the query string as received, without '?'; null when absent
 * @param headers the request headers, hop-by-hop fields already removed
 * @param loopback whether the client connected from loopback (debug headers are only for it)
 */
public record CacheRequest(
    String method, String scheme, String host, String path, String rawQuery, HeaderList headers, boolean loopback) {

  public String pathAndQuery() {
    return rawQuery == null ? path : path + "?" + rawQuery;
  }
}
