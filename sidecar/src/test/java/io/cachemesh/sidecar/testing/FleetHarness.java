package io.cachemesh.sidecar.testing;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.broker.BrokerSource;
import io.cachemesh.sidecar.redis.BrokerSecret;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Redis, one origin and N in-process sidecars of one policy sharing them: a fleet on loopback. */
public final class FleetHarness implements AutoCloseable {
  public static final byte[] HMAC = "fleet-harness-hmac-key-0123".getBytes(StandardCharsets.UTF_8);
  public static final String POLICY = """
      apiVersion: cachemesh.io/v1alpha1
      kind: CachePolicy
      metadata:
        name: catalog
        namespace: shop
      spec:
        upstream:
          port: 8000
        broker:
          secretName: catalog-redis
        defaults:
          ttl: 60s
          staleWhileRevalidate: 30s
        rules:
          - name: products
            match:
              path:
                template: /products/{id}
            tags: ["product:{id}"]
      """;

  public final RedisProcess redis;
  public final TestOrigin origin;
  public final List<SidecarFixture> sidecars = new ArrayList<>();
  private final CompiledConfig config;

  public FleetHarness(int replicas) throws Exception {
    this(replicas, POLICY);
  }

  public FleetHarness(int replicas, String policy) throws Exception {
    redis = RedisServers.start();
    origin = new TestOrigin();
    config = SidecarFixture.compile(policy);
    for (int i = 0; i < replicas; i++) {
      addSidecar(redis.url());
    }
  }

  /** Starts one more replica, reaching Redis at {@code redisUrl} (e.g. through a {@link TcpRelay}). */
  public SidecarFixture addSidecar(String redisUrl) {
    SidecarFixture s = SidecarFixture.caching(SidecarFixture.options(origin.url(), null, SidecarFixture.FAST_TIMEOUTS,
        broker(redisUrl, "pod-" + sidecars.size())), config);
    sidecars.add(s);
    return s;
  }

  public static BrokerSource broker(String redisUrl, String pod) {
    return new BrokerSource(null, new BrokerSecret(RedisEndpoint.parse(redisUrl, null, null, null), HMAC), pod);
  }

  /** The Host every replica sees, as behind one Service (the host is part of the key). */
  public static final String HOST = "catalog.shop.svc";

  /** A response as the client saw it. */
  public record Reply(int status, String cacheStatus, String body) {}

  public Reply get(int replica, String path) throws IOException {
    return send(replica, "GET", path);
  }

  /** One request on its own connection, with {@link #HOST} (java.net.http refuses to set Host). */
  public Reply send(int replica, String method, String path) throws IOException {
    String request = method + " " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n"
        + (method.equals("GET") ? "" : "Content-Length: 0\r\n") + "\r\n";
    String raw = RawHttp.exchange(sidecars.get(replica).sidecar.proxyAddress(), request);
    int end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no response head: '" + raw + "'");
    }
    String cacheStatus = "";
    boolean chunked = false;
    for (String line : raw.substring(0, end).split("\r\n")) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("cache-status:")) {
        cacheStatus = line.substring(13).trim();
      }
      chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
    }
    String body = raw.substring(end + 4);
    return new Reply(RawHttp.status(raw), cacheStatus, chunked ? dechunk(body) : body);
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < chunked.length()) {
      int eol = chunked.indexOf("\r\n", i);
      int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }

  /** Each replica holds the entry: the first from the origin, the others from the shared tier. */
  public void warm(String path) throws Exception {
    int written = (int) metric(sidecars.get(0), "cachemesh_shared_writes_total", "result=\"stored\"");
    get(0, path);
    awaitSharedWrites(sidecars.get(0), written + 1);
    for (int i = 1; i < sidecars.size(); i++) {
      get(i, path);
    }
  }

  /** Waits until no replica holds {@code path} in either tier (inspect answers 404 everywhere); returns how long that took. */
  public Duration awaitGoneEverywhere(String path, Duration bound) throws Exception {
    long start = System.nanoTime();
    for (SidecarFixture s : sidecars) {
      SidecarFixture.await(path + " gone from both tiers", bound, () -> {
        try {
          return inspect(s, path).statusCode() == 404;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** The admin API pretty-prints its JSON: without whitespace, assertions can name exact fields. */
  public static String compact(String json) {
    return json.replaceAll("\\s", "");
  }

  public SidecarFixture get(int i) {
    return sidecars.get(i);
  }

  /** The value of a counter on a sidecar's /metrics (summed over series matching {@code nameAndTags}), 0 when absent. */
  public static double metric(SidecarFixture s, String name, String... tagValues) throws Exception {
    String text = s.get(s.ops("/metrics")).body();
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
    while (m.find()) {
      boolean all = true;
      for (String tv : tagValues) {
        all &= m.group(1).contains(tv);
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Waits until the sidecar wrote {@code n} entries to the shared tier. */
  public static void awaitSharedWrites(SidecarFixture s, int n) throws Exception {
    SidecarFixture.await("shared writes >= " + n, Duration.ofSeconds(5),
        () -> uncheckedMetric(s, "cachemesh_shared_writes_total", "result=\"stored\"") >= n);
  }

  /** Waits until every sidecar reads the invalidation stream. */
  public void awaitConsumers() throws Exception {
    for (SidecarFixture s : sidecars) {
      SidecarFixture.await("broker consumer connected", Duration.ofSeconds(10),
          () -> uncheckedMetric(s, "cachemesh_broker_connected") == 1.0);
    }
  }

  public static double uncheckedMetric(SidecarFixture s, String name, String... tagValues) {
    try {
      return metric(s, name, tagValues);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** GET /inspect on the admin API: 404 when neither tier holds the entry. */
  public static HttpResponse<String> inspect(SidecarFixture s, String url) throws Exception {
    return s.get(s.admin("/inspect?host=" + HOST + "&url=" + java.net.URLEncoder.encode(url, StandardCharsets.UTF_8)));
  }

  public static String uncheckedInspect(SidecarFixture s, String url) {
    try {
      return inspect(s, url).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public Reply uncheckedGet(int replica, String path) {
    try {
      return get(replica, path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static HttpResponse<String> purge(SidecarFixture s, String query) throws Exception {
    return s.client.send(HttpRequest.newBuilder(s.admin("/purge?" + query)).POST(HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    sidecars.forEach(SidecarFixture::close);
    origin.close();
    redis.close();
  }
}
