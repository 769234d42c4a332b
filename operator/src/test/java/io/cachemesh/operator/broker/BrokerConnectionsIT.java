package io.cachemesh.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.operator.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;

class BrokerConnectionsIT {
  private static final PolicyId POLICY = new PolicyId(MockCluster.NAMESPACE, "catalog");
  private final MockCluster cluster = new MockCluster();
  private final TestRedis first = new TestRedis();
  private final TestRedis second = new TestRedis();
  private final BrokerConnections connections = new BrokerConnections(cluster.client(), Duration.ofMillis(1000));

  @AfterEach
  void stop() {
    connections.close();
    first.close();
    second.close();
    cluster.close();
  }

  private static void beat(TestRedis redis, String pod) {
    Heartbeat beat = new Heartbeat(pod, "h", "v", 1, 0, "0-0", Instant.now().toEpochMilli());
    redis.client().hset(BrokerKeys.heartbeats(POLICY), pod, beat.toJson());
  }

  private static String operatorClients(TestRedis redis) {
    Object list = redis.client().sendCommand(Protocol.Command.CLIENT, "LIST");
    return new String((byte[]) list, StandardCharsets.UTF_8);
  }

  private java.util.List<String> pods() throws BrokerUnavailableException {
    return connections.forPolicy(POLICY, "redis").heartbeats(Instant.now(), Duration.ofSeconds(30), Duration.ofMinutes(5))
        .stream().map(Heartbeat::pod).toList();
  }

  @Test
  void aChangedSecretSwitchesToTheNewRedisAndClosesTheOldConnections() throws Exception {
    cluster.brokerSecret("redis", first.url());
    beat(first, "on-first");
    beat(second, "on-second");

    assertThat(pods()).containsExactly("on-first");
    assertThat(operatorClients(first)).contains("name=cachemesh-operator");

    cluster.client().secrets().inNamespace(MockCluster.NAMESPACE).withName("redis").edit(s -> {
      s.setData(Map.of("url", Base64.getEncoder().encodeToString(second.url().getBytes(StandardCharsets.UTF_8))));
      return s;
    });

    assertThat(pods()).containsExactly("on-second");
    assertThat(operatorClients(first)).doesNotContain("name=cachemesh-operator");
  }

  @Test
  void aDownRedisFailsFastWithAClearReason() {
    cluster.brokerSecret("redis", first.url());
    first.stop();

    long started = System.nanoTime();
    assertThatThrownBy(this::pods)
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("broker of shop/catalog unreachable");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aMissingOrInvalidSecretIsReportedByName() {
    assertThatThrownBy(this::pods).hasMessage("Secret shop/redis not found");

    cluster.brokerSecret("redis", "memcached://cache:11211");

    assertThatThrownBy(this::pods).hasMessageContaining("Secret shop/redis: redis url: scheme: 'memcached'");
  }
}
