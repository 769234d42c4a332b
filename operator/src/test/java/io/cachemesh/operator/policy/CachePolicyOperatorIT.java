package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.CachePolicySpec;
import io.cachemesh.api.Rollout;
import io.cachemesh.api.Upstream;
import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.operator.Await;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.operator.PodContract;
import io.cachemesh.operator.ItEnvironment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real operator against the mock API server (CRUD mode, generated CRDs) and a real Redis. */
class CachePolicyOperatorIT {
  private static final Map<String, String> SHOP = Map.of("app", "shop");
  @RegisterExtension
  final ItEnvironment.PerTest env = ItEnvironment.perTest(true);

  private MixedOperation<CachePolicy, KubernetesResourceList<CachePolicy>, Resource<CachePolicy>> policies() {
    return env.client().resources(CachePolicy.class);
  }

  private CachePolicy policy(String name) {
    return policies().inNamespace(MockCluster.NAMESPACE).withName(name).get();
  }

  private ConfigMap configMap(String policy) {
    return env.client().configMaps().inNamespace(MockCluster.NAMESPACE).withName(policy + "-cachemesh").get();
  }

  private static Condition condition(CachePolicy policy, String type) {
    return policy.getStatus() == null ? null : Conditions.find(policy.getStatus().conditions(), type);
  }

  private void editSpec(String name, java.util.function.UnaryOperator<CachePolicySpec> change) {
    Await.retrying(() -> policies().inNamespace(MockCluster.NAMESPACE).withName(name).edit(p -> {
      p.setSpec(change.apply(p.getSpec()));
      return p;
    }));
  }

  private static CachePolicySpec withKeyVersion(CachePolicySpec s, int version) {
    return new CachePolicySpec(s.selector(), s.upstream(), s.defaults(), s.rules(), version, s.tiers(), s.broker(),
        s.invalidation(), s.sidecar(), s.rollout());
  }

  /** Lets the operator run a few more periodic reconciles, so that a write it should not make would have happened. */
  private void letItReconcile(int times) {
    env.operator().awaitReconciles("CachePolicy", times);
  }

  @Test
  void policyGetsItsConfigMapAndStatusAndChangesFollowTheSpecWithNoWritesWhenUnchanged() {
    policies().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.policy("catalog", SHOP, null, null)).create();

    Await.upTo10s().until(() -> configMap("catalog") != null
        && policy("catalog").getStatus() != null
        && DesiredConfigMap.hashOf(configMap("catalog")).equals(policy("catalog").getStatus().configHash()));
    ConfigMap first = configMap("catalog");
    assertThat(first.getData()).containsKey("config.json");
    assertThat(first.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getName()).isEqualTo("catalog"));
    assertThat(condition(policy("catalog"), "Accepted").getStatus()).isEqualTo("True");
    assertThat(policy("catalog").getMetadata().getFinalizers()).contains(CachePolicyReconciler.FINALIZER);

    editSpec("catalog", s -> withKeyVersion(s, 2));

    Await.upTo10s().until(() -> !DesiredConfigMap.hashOf(configMap("catalog")).equals(DesiredConfigMap.hashOf(first))
        && DesiredConfigMap.hashOf(configMap("catalog")).equals(policy("catalog").getStatus().configHash()));
    assertThat(configMap("catalog").getData().get("config.json")).contains("\"keyVersion\" : 2");

    String configMapVersion = configMap("catalog").getMetadata().getResourceVersion();
    String policyVersion = policy("catalog").getMetadata().getResourceVersion();
    letItReconcile(5);
    assertThat(configMap("catalog").getMetadata().getResourceVersion()).isEqualTo(configMapVersion);
    assertThat(policy("catalog").getMetadata().getResourceVersion()).isEqualTo(policyVersion);
  }

  @Test
  void invalidPolicyIsNotAcceptedWithTheFieldPathsAndKeepsTheLastGoodConfigMap() {
    policies().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.policy("catalog", SHOP, null, null)).create();
    Await.upTo10s().until(() -> configMap("catalog") != null && condition(policy("catalog"), "Accepted") != null);
    ConfigMap good = configMap("catalog");

    editSpec("catalog", s -> new CachePolicySpec(s.selector(), new Upstream(null), s.defaults(), s.rules(), 7, s.tiers(),
        s.broker(), s.invalidation(), s.sidecar(), s.rollout()));

    Await.upTo10s().until(() -> "False".equals(condition(policy("catalog"), "Accepted").getStatus()));
    Condition accepted = condition(policy("catalog"), "Accepted");
    assertThat(accepted.getReason()).isEqualTo("InvalidSpec");
    assertThat(accepted.getMessage()).contains("spec.upstream.port");
    assertThat(condition(policy("catalog"), "Ready").getStatus()).isEqualTo("False");
    letItReconcile(3);
    assertThat(configMap("catalog").getMetadata().getResourceVersion()).isEqualTo(good.getMetadata().getResourceVersion());
    assertThat(configMap("catalog").getData()).isEqualTo(good.getData());
    assertThat(policy("catalog").getStatus().configHash()).isEqualTo(DesiredConfigMap.hashOf(good));
  }

  @Test
  void podsWithAndWithoutSidecarAreCountedAndMissingSidecarsRaiseOneEvent() {
    policies().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.policy("catalog", SHOP, null, null)).create();
    Await.upTo10s().until(() -> policy("catalog").getStatus() != null);
    String hash = policy("catalog").getStatus().configHash();
    var pods = env.client().pods().inNamespace(MockCluster.NAMESPACE);
    Map<String, String> current = Map.of(PodContract.SIDECAR_VERSION_ANNOTATION, Fixtures.SIDECAR_VERSION,
        PodContract.CONFIG_HASH_ANNOTATION, hash);
    pods.resource(Fixtures.pod("shop-1", SHOP, current, true)).create();
    pods.resource(Fixtures.pod("shop-2", SHOP, Map.of(), false)).create();
    pods.resource(Fixtures.pod("worker-1", Map.of(), Map.of(PodContract.POLICY_ANNOTATION, "catalog",
        PodContract.SIDECAR_VERSION_ANNOTATION, "0.0.9", PodContract.CONFIG_HASH_ANNOTATION, "old"), true)).create();
    pods.resource(Fixtures.pod("blog-1", Map.of("app", "blog"), Map.of(), false)).create();

    Await.upTo10s().until(() -> Integer.valueOf(3).equals(policy("catalog").getStatus().selectedPods()));
    var status = policy("catalog").getStatus();
    assertThat(status.injectedPods()).isEqualTo(2);
    assertThat(status.inSyncPods()).isEqualTo(1);
    assertThat(status.outdatedPods()).isEqualTo(2);
    assertThat(status.outdatedPodNames()).containsExactly("shop-2", "worker-1");
    assertThat(condition(policy("catalog"), "Ready").getReason()).isEqualTo("SidecarMissing");

    letItReconcile(4);
    List<Event> missing = env.client().v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems().stream()
        .filter(e -> "SidecarMissing".equals(e.getReason())).toList();
    assertThat(missing).singleElement().satisfies(e -> {
      assertThat(e.getInvolvedObject().getName()).isEqualTo("catalog");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("CachePolicy");
      assertThat(e.getMessage()).contains("shop-2").doesNotContain("shop-1");
    });

    pods.withName("shop-2").delete();
    Await.upTo10s().until(() -> Integer.valueOf(2).equals(policy("catalog").getStatus().selectedPods()));
  }

  @Test
  void heartbeatsInRedisGiveInSyncPodsAndHitRatioAndGonePodsArePruned() {
    policies().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.policy("catalog", SHOP, "redis", null)).create();
    Await.upTo10s().until(() -> policy("catalog").getStatus() != null);
    String hash = policy("catalog").getStatus().configHash();
    Map<String, String> current = Map.of(PodContract.SIDECAR_VERSION_ANNOTATION, Fixtures.SIDECAR_VERSION);
    env.client().pods().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.pod("shop-1", SHOP, current, true)).create();
    env.client().pods().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.pod("shop-2", SHOP, current, true)).create();
    PolicyId id = new PolicyId(MockCluster.NAMESPACE, "catalog");
    long now = Instant.now().toEpochMilli();
    heartbeat(id, new Heartbeat("shop-1", hash, Fixtures.SIDECAR_VERSION, 30, 10, "0-0", now));
    heartbeat(id, new Heartbeat("shop-2", "older", Fixtures.SIDECAR_VERSION, 0, 0, "0-0", now));
    heartbeat(id, new Heartbeat("gone", hash, Fixtures.SIDECAR_VERSION, 500, 0, "0-0", now - 600_000));
    env.redis().client().hset(BrokerKeys.heartbeats(id), "orphan",
        new Heartbeat("orphan", hash, Fixtures.SIDECAR_VERSION, 500, 0, "0-0", now - 600_000).toJson());

    Await.upTo10s().until(() -> Integer.valueOf(1).equals(policy("catalog").getStatus().inSyncPods()));
    assertThat(policy("catalog").getStatus().hitRatio()).isEqualTo(0.75);
    assertThat(policy("catalog").getStatus().hitPercent()).isEqualTo(75);
    assertThat(condition(policy("catalog"), "Ready").getReason()).isEqualTo("PodsNotInSync");
    Await.upTo10s().until(() -> !env.redis().client().hexists(BrokerKeys.heartbeats(id), "gone")
        && !env.redis().client().hexists(BrokerKeys.heartbeats(id), "orphan"));
    assertThat(env.redis().client().zscore(BrokerKeys.heartbeatsSeen(id), "gone")).isNull();

    heartbeat(id, new Heartbeat("shop-2", hash, Fixtures.SIDECAR_VERSION, 10, 0, "0-0", Instant.now().toEpochMilli()));

    Await.upTo10s().until(() -> "True".equals(condition(policy("catalog"), "Ready").getStatus()));
    assertThat(policy("catalog").getStatus().inSyncPods()).isEqualTo(2);
    assertThat(policy("catalog").getStatus().hitPercent()).isEqualTo(80);
  }

  @Test
  void rolloutRestartPatchesTheOwningDeploymentOnceForPodsMissingTheSidecar() {
    Deployment web = env.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace(MockCluster.NAMESPACE).withUid("uid-web").endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(SHOP).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(SHOP).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("shop:1").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    env.client().apps().replicaSets().inNamespace(MockCluster.NAMESPACE).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName("web-7d9").withNamespace(MockCluster.NAMESPACE).withUid("uid-rs")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
            .withName("web").withUid(web.getMetadata().getUid()).withController(true).build())
        .endMetadata().build()).create();
    env.client().pods().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.pod("web-7d9-x", SHOP, Map.of(), false,
        new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-7d9")
            .withUid("uid-rs").withController(true).build())).create();

    policies().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.policy("catalog", SHOP, null, Rollout.RESTART)).create();

    Await.upTo10s().until(() -> restartedAt("web") != null);
    String version = env.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).withName("web").get()
        .getMetadata().getResourceVersion();
    assertThat(Instant.parse(restartedAt("web"))).isBeforeOrEqualTo(Instant.now());
    letItReconcile(4);
    assertThat(env.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).withName("web").get()
        .getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void withoutRolloutOptInUserWorkloadsAreNeverPatched() {
    env.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace(MockCluster.NAMESPACE).endMetadata()
        .withNewSpec().withNewTemplate().withNewMetadata().withLabels(SHOP).endMetadata().endTemplate().endSpec()
        .build()).create();
    String version = env.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).withName("web").get()
        .getMetadata().getResourceVersion();
    env.client().pods().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.pod("web-x", SHOP, Map.of(), false,
        new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment").withName("web")
            .withUid("u").withController(true).build())).create();

    policies().inNamespace(MockCluster.NAMESPACE).resource(Fixtures.policy("catalog", SHOP, null, null)).create();

    Await.upTo10s().until(() -> policy("catalog").getStatus() != null
        && Integer.valueOf(1).equals(policy("catalog").getStatus().outdatedPods()));
    letItReconcile(3);
    assertThat(env.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).withName("web").get()
        .getMetadata().getResourceVersion()).isEqualTo(version);
  }

  private String restartedAt(String deployment) {
    var template = env.client().apps().deployments().inNamespace(MockCluster.NAMESPACE).withName(deployment).get()
        .getSpec().getTemplate().getMetadata();
    return template.getAnnotations() == null ? null : template.getAnnotations().get(RolloutRestart.RESTARTED_AT);
  }

  private void heartbeat(PolicyId id, Heartbeat beat) {
    env.redis().client().hset(BrokerKeys.heartbeats(id), beat.pod(), beat.toJson());
    env.redis().client().zadd(BrokerKeys.heartbeatsSeen(id), beat.timeMillis(), beat.pod());
  }
}
