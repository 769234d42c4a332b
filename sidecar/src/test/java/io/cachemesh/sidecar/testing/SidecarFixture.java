package io.cachemesh.sidecar.testing;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.yaml.PolicyYaml;
import io.cachemesh.sidecar.Sidecar;
import io.cachemesh.sidecar.broker.BrokerSource;
import io.cachemesh.sidecar.cli.Options;
import io.cachemesh.sidecar.config.Engines;
import io.cachemesh.sidecar.http.HostPort;
import io.cachemesh.sidecar.origin.UpstreamAddress;
import io.cachemesh.sidecar.origin.UpstreamSettings;
import io.cachemesh.sidecar.proxy.ProxyLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A sidecar started in-process on random loopback ports, with a real HTTP client pointed at it. */
public final class SidecarFixture implements AutoCloseable {
  public static final String DEV_POLICY = """
      apiVersion: cachemesh.io/v1alpha1
      kind: CachePolicy
      metadata:
        name: test
      spec:
        upstream:
          port: 8000
        defaults:
          ttl: 30s
        rules:
          - name: products
            match:
              path:
                template: /products/{id}
            tags: ["product:{id}"]
      """;
  public static final UpstreamSettings FAST_TIMEOUTS = new UpstreamSettings(
      Duration.ofMillis(500), Duration.ofMillis(800), Duration.ofMillis(800), Duration.ofSeconds(4), 16);

  public final Sidecar sidecar;
  public final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private SidecarFixture(Sidecar sidecar) {
    this.sidecar = sidecar;
  }

  public static CompiledConfig compile(String yaml) throws Exception {
    return new PolicyCompiler().compile(PolicyYaml.readPolicy(yaml));
  }

  public static Options options(String upstream, Path configFile, UpstreamSettings settings) {
    return options(upstream, configFile, settings, null);
  }

  /** @param broker the Redis to share, or null */
  public static Options options(String upstream, Path configFile, UpstreamSettings settings, BrokerSource broker) {
    HostPort any = new HostPort("127.0.0.1", 0);
    return new Options(configFile == null ? Path.of("policy.yaml") : null, configFile, UpstreamAddress.parse(upstream),
        any, any, any, settings,
        new ProxyLimits(16 * 1024, 100, 1 << 20, 2, Duration.ofSeconds(30)),
        Duration.ofMillis(100), Duration.ofSeconds(5), broker);
  }

  /** Standalone, from the policy above, with the given upstream. */
  public static SidecarFixture standalone(String upstream) throws Exception {
    return start(options(upstream, null, FAST_TIMEOUTS), compile(DEV_POLICY));
  }

  /** With the pass-through engine: the HTTP layer alone. */
  public static SidecarFixture start(Options options, CompiledConfig initial) {
    return start(options, initial, Engines.passThrough());
  }

  /** With the real caching engine. */
  public static SidecarFixture caching(Options options, CompiledConfig initial) {
    return start(options, initial, Engines.caching(Clock.systemUTC(), Duration.ofSeconds(5)));
  }

  public static SidecarFixture start(Options options, CompiledConfig initial, Engines.Factory engines) {
    Sidecar sidecar = new Sidecar(options, initial, engines, Clock.systemUTC());
    sidecar.start();
    return new SidecarFixture(sidecar);
  }

  public URI proxy(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + sidecar.proxyAddress().getPort() + pathAndQuery);
  }

  public URI admin(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + sidecar.adminAddress().getPort() + pathAndQuery);
  }

  public URI ops(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + sidecar.opsAddress().getPort() + pathAndQuery);
  }

  public HttpResponse<String> get(URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(URI uri, String contentType, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for a condition, failing after a bound instead of sleeping a guessed time. */
  public static void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + bound + " waiting for " + what);
      }
      Thread.sleep(Duration.ofMillis(10));
    }
  }

  @Override
  public void close() {
    sidecar.close();
    client.close();
  }
}
