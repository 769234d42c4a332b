package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.config.Engines;
import io.cachemesh.sidecar.config.LiveEngine;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Requests;
import io.cachemesh.sidecar.engine.ScriptedOrigin;
import io.cachemesh.sidecar.testing.FleetHarness;
import io.cachemesh.redis.testing.MutableClock;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Config changes rewire the fleet: a new keyVersion writes new keys, a policy without shared tier writes none. */
class FleetBindingIT {
  private static final PolicyId POLICY = new PolicyId("shop", "catalog");
  private final RedisProcess redis = RedisServers.start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FleetBinding binding = new FleetBinding(FleetHarness.broker(redis.url(), "pod-0"),
      new PolicyFleet.Identity("pod-0", "test", Duration.ofSeconds(1)), Clock.systemUTC(), registry);
  private final io.cachemesh.redis.testing.MutableClock clock = new io.cachemesh.redis.testing.MutableClock();
  private final LiveEngine live = new LiveEngine(config -> Engines.caching(clock, Duration.ofSeconds(5)).create(config, registry));
  private final ScriptedOrigin origin = ScriptedOrigin.replying(clock, 200, "x", "Cache-Control", "max-age=60");

  @AfterEach
  void stop() {
    binding.close();
    live.dropConfig();
    redis.close();
  }

  private static CompiledConfig config(int keyVersion, boolean shared) throws Exception {
    return SidecarFixture.compile(FleetHarness.POLICY.replace("  broker:\n    secretName: catalog-redis\n",
        "  broker:\n    secretName: catalog-redis\n  keyVersion: " + keyVersion + "\n  tiers:\n    shared:\n      enabled: " + shared + "\n"));
  }

  private List<String> entryKeys(Jedis raw) {
    return raw.zrange(BrokerKeys.entryIndex(POLICY), 0, -1).stream()
        .map(m -> m.substring(m.indexOf('\0') + 1)).toList();
  }

  @Test
  void keyVersionChangeWritesUnderTheNewVersionAndSharedOffWritesNothing() throws Exception {
    live.setListener(binding);
    try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
      live.apply(config(0, true));
      live.handle(Requests.get("/products/1"), origin);
      SidecarFixture.await("v0 entry", Duration.ofSeconds(5), () -> entryKeys(raw).size() == 1);

      live.apply(config(1, true));
      live.handle(Requests.get("/products/1"), origin);
      SidecarFixture.await("v1 entry", Duration.ofSeconds(5), () -> entryKeys(raw).size() == 2);

      live.apply(config(2, false));
      live.handle(Requests.get("/products/1"), origin);
      // Not written: still the purge path works through the broker.
      live.purgeEverywhere(new Purge(Purge.Kind.TAG, List.of("product:1"), false));

      assertThat(entryKeys(raw)).anyMatch(k -> k.contains(":e:0:")).anyMatch(k -> k.contains(":e:1:"))
          .noneMatch(k -> k.contains(":e:2:"));
      assertThat(origin.calls()).isEqualTo(3);
      assertThat(raw.xlen(BrokerKeys.events(POLICY))).isEqualTo(1);
    }
  }
}
