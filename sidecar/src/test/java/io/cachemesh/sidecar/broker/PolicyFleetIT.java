package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.StreamIds;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.yaml.PolicyYaml;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.redis.testing.Await;
import io.cachemesh.redis.testing.Closeables;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.cachemesh.redis.testing.RedisTopologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Two sidecars of one policy wired as the engine will wire them, sharing one Redis. */
class PolicyFleetIT {
  private static final byte[] HMAC = "fleet-test-hmac-key-0123".getBytes(StandardCharsets.UTF_8);
  private final RedisProcess server = RedisServers.start();
  private final Closeables closeables = new Closeables();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() throws Exception {
    closeables.close();
    server.close();
  }

  private static CompiledConfig config() throws Exception {
    return new PolicyCompiler().compile(PolicyYaml.readPolicy("""
        apiVersion: cachemesh.io/v1alpha1
        kind: CachePolicy
        metadata:
          name: catalog
          namespace: shop
        spec:
          upstream:
            port: 8000
        """));
  }

  private PolicyFleet sidecar(String pod, List<Purge> applied) throws Exception {
    RedisConnection redis = closeables.add(new RedisConnection(RedisEndpoint.parse(server.url(), null, null, null),
        RedisTopologies.SETTINGS, Clock.systemUTC(), registry));
    PolicyFleet fleet = closeables.add(new PolicyFleet(redis, config(), HMAC,
        new PolicyFleet.Identity(pod, "0.1.0", Duration.ofSeconds(1)), PurgeSink.whole(applied::add), () -> { },
        () -> new HeartbeatPublisher.Stats("hash", 0, 0), Clock.systemUTC(), registry));
    fleet.start();
    Await.until(Duration.ofSeconds(10), pod + " consuming", fleet.consumer()::connected);
    return fleet;
  }

  @Test
  void sidecarsShareEntriesAndEveryOneAppliesEveryOnesPurges() throws Exception {
    List<Purge> appliedByOne = new CopyOnWriteArrayList<>();
    List<Purge> appliedByTwo = new CopyOnWriteArrayList<>();
    PolicyFleet one = sidecar("pod-1", appliedByOne);
    PolicyFleet two = sidecar("pod-2", appliedByTwo);

    one.store().put("GET|/p/1", new byte[] {1, 2}, 60_000, Set.of("product:1"), "/p/1");
    assertThat(two.store().get("GET|/p/1")).isPresent();

    Purge purge = new Purge(Kind.TAG, List.of("product:1"), false);
    String id = two.publish(purge).orElseThrow();

    for (PolicyFleet fleet : List.of(one, two)) {
      Await.until(Duration.ofSeconds(10), "purge applied", () -> fleet.consumer().lastAppliedId().equals(id));
    }
    Purge consumed = new Purge(purge.kind(), purge.values(), purge.soft(), StreamIds.millis(id));
    assertThat(appliedByOne).containsExactly(consumed);
    assertThat(appliedByTwo).containsExactly(consumed);
    String heartbeats = BrokerKeys.heartbeats(config().policy());
    try (Jedis raw = new Jedis("127.0.0.1", server.port())) {
      Await.until(Duration.ofSeconds(10), "both heartbeats, reporting the event",
          () -> raw.hlen(heartbeats) == 2 && raw.hget(heartbeats, "pod-1").contains(id));
      assertThat(raw.xrange(BrokerKeys.events(config().policy()), "-", "+").getFirst().getFields())
          .containsEntry("origin", "sidecar/pod-2");
    }
  }
}
