package io.cachemesh.sidecar.bench;

import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.DefaultCacheEngine;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.OriginResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The engine's fast path for a stored 1 KiB entry: admission, key, memory-tier lookup, freshness,
 * and the response with Age and Cache-Status, what the IO thread runs before writing the bytes.
 */
public class MemoryHitBenchmark extends HotPathBenchmark {
  private DefaultCacheEngine engine;
  private CacheRequest request;

  @Setup
  public void setup() {
    engine = new DefaultCacheEngine(BenchPolicies.compile(), Clock.systemUTC(), new SimpleMeterRegistry());
    request = BenchPolicies.request("/1k", null);
    byte[] body = new byte[1024];
    engine.handle(request, (r, overrides) -> new OriginResponse(200,
        HeaderList.of("Content-Type", "text/plain", "Cache-Control", "public, max-age=3600", "Content-Length", "1024"),
        new ByteArrayInputStream(body), body.length, System.currentTimeMillis(), System.currentTimeMillis()));
    if (engine.tryServeFromMemory(request).isEmpty()) {
      throw new IllegalStateException("the 1 KiB entry was not stored");
    }
  }

  @TearDown
  public void close() {
    engine.close();
  }

  @Benchmark
  public Optional<CacheResponse> hit() {
    return engine.tryServeFromMemory(request);
  }

  @Benchmark
  @Threads(2)
  public Optional<CacheResponse> hitTwoThreads() {
    return engine.tryServeFromMemory(request);
  }
}
