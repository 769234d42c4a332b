package io.cachemesh.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.cachemesh.redis.testing.TestCertificates;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * The operator's broker operations (publish once, purge) through each kind of broker Secret the
 * sidecar takes: TLS with the Secret's {@code ca.crt}, an ACL user with the operator's documented
 * least privilege, a Sentinel-monitored master. (Redis Cluster: {@link ClusterBrokerIT}.)
 */
class BrokerTopologiesIT {
  /** Kept identical to operator/README.md. */
  static final String OPERATOR_ACL = "on >operator-pw resetkeys ~cm:* resetchannels -@all "
      + "+ping +auth +hello +select +client|setname +cluster|slots +cluster|shards "
      + "+hgetall +hdel +zrangebyscore +zrem +zscan +unlink +xadd +xrevrange +expire";
  private static final PolicyId POLICY = new PolicyId(MockCluster.NAMESPACE, "catalog");

  enum Broker { TLS, ACL, SENTINEL }

  @TempDir static Path certificates;
  private static TestCertificates ca;
  private static int tlsPort;
  private static RedisProcess tls;
  private static RedisProcess acl;
  private static RedisProcess master;
  private static RedisProcess sentinel;

  private final MockCluster cluster = new MockCluster();
  private final BrokerConnections connections = new BrokerConnections(cluster.client(), Duration.ofMillis(1500));

  @BeforeAll
  static void start() {
    ca = TestCertificates.create(certificates, "broker-ca");
    tlsPort = RedisServers.freePort(false);
    tls = RedisServers.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", ca.serverCert().toString(),
        "--tls-key-file", ca.serverKey().toString(), "--tls-ca-cert-file", ca.caCert().toString(), "--tls-auth-clients", "no");
    acl = RedisServers.start();
    try (Jedis admin = new Jedis("127.0.0.1", acl.port())) {
      admin.aclSetUser("cm-operator", OPERATOR_ACL.split(" "));
    }
    master = RedisServers.start();
    sentinel = RedisServers.startSentinel(master, "cm-master");
  }

  @AfterAll
  static void stop() {
    for (RedisProcess process : new RedisProcess[] {sentinel, master, acl, tls}) {
      if (process != null) {
        process.close();
      }
    }
  }

  @AfterEach
  void close() {
    connections.close();
    cluster.close();
  }

  private static Map<String, String> secretData(Broker broker) throws IOException {
    Map<String, String> data = new LinkedHashMap<>();
    switch (broker) {
      case TLS -> {
        data.put("url", "rediss://127.0.0.1:" + tlsPort);
        data.put("ca.crt", Files.readString(ca.caCert()));
      }
      case ACL -> {
        data.put("url", "redis://127.0.0.1:" + acl.port());
        data.put("username", "cm-operator");
        data.put("password", "operator-pw");
      }
      case SENTINEL -> data.put("url", "redis-sentinel://127.0.0.1:" + sentinel.port() + "/cm-master/2");
    }
    return data;
  }

  /** The server the Secret leads to, on its plain port, for the test's own checks. */
  private static Jedis direct(Broker broker) {
    Jedis jedis = new Jedis("127.0.0.1", switch (broker) {
      case TLS -> tls.port();
      case ACL -> acl.port();
      case SENTINEL -> master.port();
    });
    if (broker == Broker.SENTINEL) {
      jedis.select(2);
    }
    return jedis;
  }

  private void secret(String name, Map<String, String> data) {
    Map<String, String> encoded = new LinkedHashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    cluster.client().secrets().inNamespace(MockCluster.NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(MockCluster.NAMESPACE).endMetadata()
        .withData(encoded).build()).create();
  }

  @ParameterizedTest
  @EnumSource(Broker.class)
  void publishesOnceAndPurgesThroughTheSecretsBroker(Broker broker) throws Exception {
    secret("redis", secretData(broker));
    String entry = BrokerKeys.entryPrefix(POLICY, 0) + broker;
    try (Jedis redis = direct(broker)) {
      redis.del(BrokerKeys.events(POLICY));
      redis.set(entry, "entry");
      redis.zadd(BrokerKeys.entryIndex(POLICY), System.currentTimeMillis() + 60_000, BrokerKeys.indexMember("/p", entry));
    }
    PolicyBroker policyBroker = connections.forPolicy(POLICY, "redis");
    InvalidationEvent event = new InvalidationEvent(List.of("product:1"), List.of(), List.of(), false, null, "operator/test");

    String id = policyBroker.publishOnce(event, "token-" + broker);
    assertThat(policyBroker.publishOnce(event, "token-" + broker)).isEqualTo(id);
    assertThat(policyBroker.purgeAll("operator")).isEqualTo(1);

    try (Jedis redis = direct(broker)) {
      assertThat(redis.exists(entry)).isFalse();
      assertThat(redis.exists(BrokerKeys.entryIndex(POLICY))).isFalse();
      assertThat(redis.xrange(BrokerKeys.events(POLICY), (StreamEntryID) null, (StreamEntryID) null))
          .extracting(e -> InvalidationEvent.parse(e.getFields()).all()).containsExactly(false, true);
    }
  }

  @Test
  void aCaThatDidNotSignTheServerIsNeverTrusted() throws Exception {
    TestCertificates other = TestCertificates.create(Files.createDirectories(certificates.resolve("other")), "other-ca");
    secret("redis", Map.of("url", "rediss://127.0.0.1:" + tlsPort, "ca.crt", Files.readString(other.caCert())));

    assertThatThrownBy(() -> connections.forPolicy(POLICY, "redis").findByToken("t"))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("unreachable");
  }
}
