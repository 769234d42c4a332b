package io.cachemesh.operator.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CacheInvalidationStatus;
import io.cachemesh.api.CacheInvalidationStatus.Phase;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.operator.Await;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.ItEnvironment;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.operator.policy.CachePolicyReconciler;
import io.cachemesh.redis.RedisClients;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.redis.RedisSettings;
import io.cachemesh.redis.testing.RedisClusterProcesses;
import io.cachemesh.redis.testing.RedisServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The real operator against a 3-master Redis Cluster named by a {@code redis-cluster://} broker Secret. */
class ClusterBrokerIT {
  private static final String SECRET = "redis-cluster";
  private static final PolicyId CATALOG = new PolicyId(MockCluster.NAMESPACE, "catalog");
  private static final PolicyId BLOG = new PolicyId(MockCluster.NAMESPACE, "blog");
  private static RedisClusterProcesses redisCluster;
  private static UnifiedJedis redis;

  @RegisterExtension
  final ItEnvironment.PerTest env = ItEnvironment.perTest(true);

  @BeforeAll
  static void startCluster() {
    redisCluster = RedisServers.startCluster(3);
    redis = RedisClients.create(RedisEndpoint.parse(redisCluster.url(), null, null, null),
        RedisSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)));
  }

  @AfterAll
  static void stopCluster() {
    if (redis != null) {
      redis.close();
    }
    if (redisCluster != null) {
      redisCluster.close();
    }
  }

  @BeforeEach
  void brokerSecret() {
    for (PolicyId id : List.of(CATALOG, BLOG)) {
      redis.unlink(BrokerKeys.events(id), BrokerKeys.entryIndex(id), BrokerKeys.tagRegistry(id));
    }
    env.brokerSecret(SECRET, redisCluster.url());
  }

  private CachePolicy policy(String name) {
    return env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName(name).get();
  }

  private void create(String name, String app) {
    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.policy(name, Map.of("app", app), SECRET, null)).create();
    Await.upTo10s().until(() -> policy(name).getMetadata().getFinalizers() != null
        && policy(name).getMetadata().getFinalizers().contains(CachePolicyReconciler.FINALIZER));
  }

  /** Entry keys, their index and a tag index, as sidecars write them: all under the policy's hash tag. */
  private static List<String> seed(PolicyId id, String tag) {
    List<String> keys = List.of(BrokerKeys.entryPrefix(id, 0) + "k1", BrokerKeys.entryPrefix(id, 0) + "k2");
    long expiry = System.currentTimeMillis() + 600_000;
    for (String key : keys) {
      redis.set(key, "entry");
      redis.zadd(BrokerKeys.entryIndex(id), expiry, BrokerKeys.indexMember("/p/" + key, key));
    }
    redis.zadd(BrokerKeys.tagIndex(id, tag), expiry, keys.getFirst());
    redis.zadd(BrokerKeys.tagRegistry(id), expiry, tag);
    return keys;
  }

  private static List<StreamEntry> stream(PolicyId id) {
    return redis.xrange(BrokerKeys.events(id), (StreamEntryID) null, (StreamEntryID) null);
  }

  @Test
  void finalizerPurgesOnlyThatPolicysKeysFromTheClusterAndPublishesAll() {
    create("catalog", "shop");
    create("blog", "blog");
    List<String> catalogKeys = seed(CATALOG, "product:1");
    List<String> blogKeys = seed(BLOG, "post:1");
    // The premise: each policy's keys share one slot (its hash tag), and the two policies' slots differ.
    assertThat(JedisClusterCRC16.getSlot(catalogKeys.getFirst())).isEqualTo(JedisClusterCRC16.getSlot(BrokerKeys.events(CATALOG)))
        .isNotEqualTo(JedisClusterCRC16.getSlot(blogKeys.getFirst()));

    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName("catalog").delete();

    Await.upTo10s().until(() -> policy("catalog") == null);
    assertThat(catalogKeys).allSatisfy(key -> assertThat(redis.exists(key)).as(key).isFalse());
    assertThat(redis.exists(BrokerKeys.entryIndex(CATALOG))).isFalse();
    assertThat(redis.exists(BrokerKeys.tagIndex(CATALOG, "product:1"))).isFalse();
    assertThat(redis.exists(BrokerKeys.tagRegistry(CATALOG))).isFalse();
    assertThat(stream(CATALOG)).singleElement()
        .satisfies(e -> assertThat(InvalidationEvent.parse(e.getFields()).all()).isTrue());
    assertThat(blogKeys).allSatisfy(key -> assertThat(redis.exists(key)).as(key).isTrue());
    assertThat(redis.exists(BrokerKeys.tagIndex(BLOG, "post:1"))).isTrue();
    assertThat(policy("blog")).isNotNull();
  }

  @Test
  void cacheInvalidationIsPublishedOnceToThePolicysStreamInTheCluster() {
    create("catalog", "shop");

    env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.invalidation("purge-1", "catalog", List.of("product:1"), null)).create();

    Await.upTo10s().until(() -> {
      CacheInvalidation inv = env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE)
          .withName("purge-1").get();
      return inv.getStatus() != null && inv.getStatus().phase() == Phase.PUBLISHED;
    });
    CacheInvalidationStatus status = env.client().resources(CacheInvalidation.class).inNamespace(MockCluster.NAMESPACE)
        .withName("purge-1").get().getStatus();
    assertThat(stream(CATALOG)).singleElement().satisfies(e -> {
      assertThat(e.getID().toString()).isEqualTo(status.streamId());
      assertThat(InvalidationEvent.parse(e.getFields()).tags()).containsExactly("product:1");
    });
  }
}
