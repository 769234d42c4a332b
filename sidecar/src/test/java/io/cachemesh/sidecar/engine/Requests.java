package io.cachemesh.sidecar.engine;

/** Builds CacheRequests for tests. */
public final class Requests {
  private Requests() {}

  public static CacheRequest get(String pathAndQuery, String... headers) {
    return request("GET", pathAndQuery, headers);
  }

  public static CacheRequest head(String pathAndQuery, String... headers) {
    return request("HEAD", pathAndQuery, headers);
  }

  public static CacheRequest request(String method, String pathAndQuery, String... headers) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? null : pathAndQuery.substring(q + 1);
    return new CacheRequest(method, "http", "shop.example", path, query, HeaderList.of(headers), false);
  }

  public static CacheRequest loopback(CacheRequest r) {
    return new CacheRequest(r.method(), r.scheme(), r.host(), r.path(), r.rawQuery(), r.headers(), true);
  }
}
