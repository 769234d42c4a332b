package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.operator.Await;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.operator.PodContract;
import io.cachemesh.operator.ItEnvironment;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** Deleting a policy purges exactly its shared-tier keys, and waits (with backoff) for Redis to come back. */
class PolicyDeletionIT {
  private static final PolicyId CATALOG = new PolicyId(MockCluster.NAMESPACE, "catalog");
  private static final PolicyId BLOG = new PolicyId(MockCluster.NAMESPACE, "blog");
  @RegisterExtension
  final ItEnvironment.PerTest env = ItEnvironment.perTest(true);

  private CachePolicy policy(String name) {
    return env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName(name).get();
  }

  private void create(CachePolicy policy) {
    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).resource(policy).create();
    String name = policy.getMetadata().getName();
    Await.upTo10s().until(() -> policy(name).getMetadata().getFinalizers() != null
        && policy(name).getMetadata().getFinalizers().contains(CachePolicyReconciler.FINALIZER));
  }

  /** Shared-tier entries as the sidecar writes them: entry keys, the entry and path indexes, tag indexes and the tag registry. */
  private List<String> seed(PolicyId id, String... tags) {
    RedisClient r = env.redis().client();
    List<String> keys = List.of(BrokerKeys.entryPrefix(id, 0) + "k1", BrokerKeys.entryPrefix(id, 0) + "k2");
    long expiry = System.currentTimeMillis() + 600_000;
    for (String key : keys) {
      r.set(key, "entry");
      r.zadd(BrokerKeys.entryIndex(id), expiry, BrokerKeys.indexMember("/products/" + key.length(), key));
      r.zadd(BrokerKeys.pathIndex(id), 0, BrokerKeys.indexMember("/products/" + key.length(), key));
    }
    for (String tag : tags) {
      r.zadd(BrokerKeys.tagIndex(id, tag), expiry, keys.getFirst());
      r.zadd(BrokerKeys.tagRegistry(id), expiry, tag);
    }
    r.hset(BrokerKeys.heartbeats(id), "pod-1", "{}");
    r.zadd(BrokerKeys.heartbeatsSeen(id), expiry, "pod-1");
    return keys;
  }

  @Test
  void deletionWaitsForRedisThenPurgesOnlyThatPolicysKeysAndPublishesAll() throws Exception {
    create(Fixtures.policy("catalog", Map.of("app", "shop"), "redis", null));
    create(Fixtures.policy("blog", Map.of("app", "blog"), "redis", null));
    List<String> catalogKeys = seed(CATALOG, "product:1", "product:2");
    List<String> blogKeys = seed(BLOG, "post:1");
    env.redis().stop();

    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName("catalog").delete();

    Await.upTo10s().until(() -> {
      Condition broker = Conditions.find(policy("catalog").getStatus().conditions(), Conditions.BROKER_REACHABLE);
      return broker != null && "PurgeFailed".equals(broker.getReason());
    });
    assertThat(Conditions.find(policy("catalog").getStatus().conditions(), Conditions.BROKER_REACHABLE).getMessage())
        .contains("cachemesh.io/skip-purge");
    Await.upTo10s().until(() -> env.client().v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems().stream()
        .anyMatch(e -> "PurgeFailed".equals(e.getReason()) && "catalog".equals(e.getInvolvedObject().getName())));
    assertThat(policy("catalog")).isNotNull();

    env.redis().start();

    Await.upTo10s().until(() -> policy("catalog") == null);
    RedisClient r = env.redis().client();
    for (String key : catalogKeys) {
      assertThat(r.exists(key)).as(key).isFalse();
    }
    assertThat(r.exists(BrokerKeys.entryIndex(CATALOG))).isFalse();
    assertThat(r.exists(BrokerKeys.pathIndex(CATALOG))).isFalse();
    assertThat(r.exists(BrokerKeys.tagIndex(CATALOG, "product:1"))).isFalse();
    assertThat(r.exists(BrokerKeys.tagRegistry(CATALOG))).isFalse();
    assertThat(r.exists(BrokerKeys.heartbeats(CATALOG))).isFalse();
    var events = r.xrange(BrokerKeys.events(CATALOG), (StreamEntryID) null, (StreamEntryID) null);
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(InvalidationEvent.parse(e.getFields()).all()).isTrue();
      assertThat(e.getFields()).containsEntry("origin", "operator");
    });
    for (String key : blogKeys) {
      assertThat(r.exists(key)).as(key).isTrue();
    }
    assertThat(r.exists(BrokerKeys.tagIndex(BLOG, "post:1"))).isTrue();
    assertThat(r.zcard(BrokerKeys.entryIndex(BLOG))).isEqualTo(2);
    assertThat(policy("blog")).isNotNull();
  }

  @Test
  void skipPurgeAnnotationLetsDeletionProceedWithoutRedis() {
    create(Fixtures.policy("catalog", Map.of("app", "shop"), "redis", null));
    List<String> keys = seed(CATALOG, "product:1");
    env.redis().stop();
    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName("catalog").delete();
    Await.upTo10s().until(() -> policy("catalog").getMetadata().getDeletionTimestamp() != null);

    Await.retrying(() -> env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName("catalog")
        .edit(p -> {
          p.getMetadata().setAnnotations(Map.of(PodContract.SKIP_PURGE_ANNOTATION, "true"));
          return p;
        }));

    Await.upTo10s().until(() -> policy("catalog") == null);
    env.redis().start();
    assertThat(env.redis().client().exists(keys.getFirst())).isTrue();
  }

  @Test
  void aPolicyWithoutBrokerIsDeletedAtOnce() {
    create(Fixtures.policy("catalog", Map.of("app", "shop"), null, null));

    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName("catalog").delete();

    Await.upTo10s().until(() -> policy("catalog") == null);
  }
}
