package io.cachemesh.sidecar.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.sidecar.broker.InvalidationPublisher;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import io.cachemesh.sidecar.shared.EntryEnvelope;
import io.cachemesh.sidecar.shared.RedisSharedStore;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.cachemesh.redis.testing.RedisTopologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisSentinelIT {
  private RedisProcess master;
  private RedisProcess sentinel;

  @BeforeEach
  void start() {
    master = RedisServers.start();
    sentinel = RedisServers.startSentinel(master, "cm-master");
  }

  @AfterEach
  void stop() {
    try {
      sentinel.close();
    } finally {
      master.close();
    }
  }

  @Test
  void aSentinelUrlReachesTheMonitoredMasterAndItsDatabase() {
    PolicyId policy = new PolicyId("shop", "sentinel");
    RedisEndpoint endpoint = RedisEndpoint.parse("redis-sentinel://127.0.0.1:" + sentinel.port() + "/cm-master/3", null, null, null);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RedisConnection connection = new RedisConnection(endpoint, RedisTopologies.SETTINGS, Clock.systemUTC(), registry)) {
      RedisSharedStore store = new RedisSharedStore(connection, policy, 1,
          new EntryEnvelope("sentinel-test-hmac-key".getBytes(StandardCharsets.UTF_8), 1024), Clock.systemUTC(), registry);

      assertThat(store.put("k", new byte[] {7}, 60_000, Set.of(), "/k")).isTrue();
      assertThat(store.get("k")).hasValueSatisfying(hit -> assertThat(hit.payload()).containsExactly(7));
      assertThat(new InvalidationPublisher(connection, policy, registry).publish(new Purge(Kind.ALL, List.of(), false), "t")).isPresent();
    }
    try (Jedis direct = new Jedis("127.0.0.1", master.port())) {
      direct.select(3);
      assertThat(direct.exists(BrokerKeys.events(policy))).isTrue();
    }
  }
}
