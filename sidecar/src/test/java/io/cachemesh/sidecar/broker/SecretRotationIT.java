package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.config.Engines;
import io.cachemesh.sidecar.config.LiveEngine;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.Requests;
import io.cachemesh.sidecar.engine.ScriptedOrigin;
import io.cachemesh.sidecar.testing.FleetHarness;
import io.cachemesh.redis.testing.MutableClock;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.redis.testing.Await;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A rotated broker Secret (kubelet symlink swap) is picked up in place; a bad one keeps the last good. */
class SecretRotationIT {
  private static final PolicyId POLICY = new PolicyId("shop", "catalog");
  private final RedisProcess first = RedisServers.start();
  private final RedisProcess second = RedisServers.start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MutableClock clock = MutableClock.now();
  private final LiveEngine live = new LiveEngine(config -> Engines.caching(clock, Duration.ofSeconds(5)).create(config, registry));
  private final ScriptedOrigin origin = ScriptedOrigin.replying(clock, 200, "x", "Cache-Control", "max-age=60");
  private final AtomicBoolean loading = new AtomicBoolean(true);
  @TempDir Path dir;
  private FleetBinding binding;

  @AfterEach
  void stop() {
    loading.set(false);
    if (binding != null) {
      binding.close();
    }
    live.dropConfig();
    first.close();
    second.close();
  }

  private static Map<String, String> secret(RedisProcess redis, String hmac) {
    return Map.of("url", redis.url(), "hmacKey", hmac);
  }

  private static int entries(RedisProcess redis) {
    try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
      return Math.toIntExact(raw.zcard(BrokerKeys.entryIndex(POLICY)));
    }
  }

  private double reloads(String result) {
    return registry.get("cachemesh.broker.secret.reloads").tag("result", result).counter().count();
  }

  @Test
  void rotatedSecretMovesTheFleetToTheNewBrokerWithoutFailingRequestsAndABadOneKeepsTheLastGood() throws Exception {
    MountedSecret mounted = new MountedSecret(dir, secret(first, "first-hmac-key-0123456789"));
    binding = new FleetBinding(new BrokerSource(dir, null, "pod-0"),
        new PolicyFleet.Identity("pod-0", "test", Duration.ofSeconds(1)), Clock.systemUTC(), registry);
    live.setListener(binding);
    CompiledConfig config = SidecarFixture.compile(FleetHarness.POLICY);
    live.apply(config);
    binding.start(Duration.ofHours(1));
    live.handle(Requests.get("/products/1"), origin);
    Await.until(Duration.ofSeconds(5), "entry in the first Redis", () -> entries(first) == 1);

    // Requests keep coming while the Secret rotates: none may fail.
    List<Integer> statuses = new CopyOnWriteArrayList<>();
    AtomicInteger n = new AtomicInteger();
    Thread load = Thread.ofVirtual().start(() -> {
      while (loading.get()) {
        CacheResponse r = live.handle(Requests.get("/load/" + n.incrementAndGet()), origin);
        statuses.add(r.status());
      }
    });
    mounted.swap(secret(second, "second-hmac-key-0123456789"));
    Await.until(Duration.ofSeconds(10), "rotation applied", () -> reloads("applied") == 1.0);
    live.handle(Requests.get("/products/2"), origin);
    Await.until(Duration.ofSeconds(5), "entry in the second Redis", () -> entries(second) >= 1);

    mounted.swap(Map.of("hmacKey", "third-hmac-key-0123456789"));
    Await.until(Duration.ofSeconds(10), "bad Secret rejected", () -> reloads("rejected") == 1.0);
    int before = entries(second);
    live.handle(Requests.get("/products/3"), origin);
    Await.until(Duration.ofSeconds(5), "still writing to the second Redis", () -> entries(second) > before);
    loading.set(false);
    load.join(Duration.ofSeconds(10));

    assertThat(statuses).isNotEmpty().containsOnly(200);
    assertThat(reloads("applied")).isEqualTo(1.0);
    try (Jedis raw = new Jedis("127.0.0.1", second.port())) {
      Await.until(Duration.ofSeconds(5), "heartbeat on the second Redis", () -> raw.hexists(BrokerKeys.heartbeats(POLICY), "pod-0"));
    }
  }
}
