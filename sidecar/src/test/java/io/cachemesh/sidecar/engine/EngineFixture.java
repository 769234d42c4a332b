package io.cachemesh.sidecar.engine;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.redis.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** An engine with a mutable clock and a scripted origin; the common ground of engine tests. */
abstract class EngineFixture {
  final MutableClock clock = new MutableClock();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ScriptedOrigin origin = ScriptedOrigin.replying(clock, 200, "hello", "Content-Type", "text/plain", "Cache-Control", "max-age=60");
  DefaultCacheEngine engine = new DefaultCacheEngine(Policies.defaults(), clock, registry);

  DefaultCacheEngine engine(CompiledConfig config) {
    if (engine != null) {
      engine.close();
    }
    engine = new DefaultCacheEngine(config, clock, registry);
    return engine;
  }

  DefaultCacheEngine engine(String spec) {
    return engine(Policies.compile(spec));
  }

  CacheResponse send(CacheRequest request) {
    return engine.handle(request, origin);
  }

  CacheResponse get(String pathAndQuery, String... headers) {
    return send(Requests.get(pathAndQuery, headers));
  }

  /** Stores /a from a 200 with this body and Cache-Control, then moves the clock on. */
  void storeAndAge(String body, String cacheControl, long seconds) {
    origin.reply(200, body, "Cache-Control", cacheControl);
    get("/a");
    clock.advanceSeconds(seconds);
  }

  static String body(CacheResponse r) {
    if (r.body() != null) {
      return new String(r.body(), StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var in = r.stream()) {
      if (r.bufferedPrefix() != null) {
        out.write(r.bufferedPrefix());
      }
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Adds the field to name-value pairs for {@link Requests} unless the value is empty (a matrix's "none"). */
  static void add(List<String> headers, String name, String value) {
    if (!value.isEmpty()) {
      headers.add(name);
      headers.add(value);
    }
  }

  static String status(CacheResponse r) {
    return r.headers().first("Cache-Status").orElseThrow(() -> new AssertionError("no Cache-Status in " + r.headers()));
  }

  double requests(String result) {
    return registry.find("cachemesh.requests").tag("result", result).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @AfterEach
  void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }
}
