package io.cachemesh.sidecar.bench;

import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.key.KeyFactory;
import io.cachemesh.sidecar.key.RequestKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/** Key computation for a request with a query to normalise and a varyBy header to hash. */
public class KeyBenchmark extends HotPathBenchmark {
  private KeyFactory keys;
  private CacheRequest plain;
  private CacheRequest withQuery;

  @Setup
  public void setup() {
    var config = BenchPolicies.compile();
    CompiledRule rule = config.defaults();
    keys = new KeyFactory(config.keyPrefix(), config.keyVersion(), rule.key(), rule.scope());
    plain = BenchPolicies.request("/1k", null);
    withQuery = BenchPolicies.request("/products/42", "utm_source=news&b=2&a=1&gclid=x");
  }

  @Benchmark
  public RequestKey plainPath() {
    return keys.keyFor(plain);
  }

  @Benchmark
  public RequestKey queryNormalisedAndTrackingDropped() {
    return keys.keyFor(withQuery);
  }
}
