package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.operator.Await;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.ItEnvironment;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.operator.RunningOperator;
import io.cachemesh.redis.testing.RedisServers;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker Secret a policy names is watched: changing it reconciles the policy at once. The
 * heartbeat interval and the retry backoff are 5 minutes here, so within the 10 s waited for, only
 * the Secret's change can trigger the reconcile that clears {@code BrokerReachable=False}.
 */
class BrokerSecretWatchIT {
  private static final String SECRET = "moving-redis";
  @RegisterExtension
  final ItEnvironment.PerTest env = ItEnvironment.perTest(false);

  @BeforeEach
  void start() {
    env.startOperator(RunningOperator.testSettings()
        .withTimings(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(5)));
  }

  private CachePolicy policy() {
    return env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName("catalog").get();
  }

  private Condition brokerReachable() {
    CachePolicy policy = policy();
    return policy == null || policy.getStatus() == null ? null
        : Conditions.find(policy.getStatus().conditions(), Conditions.BROKER_REACHABLE);
  }

  private boolean readyReported() {
    CachePolicy policy = policy();
    return policy != null && policy.getStatus() != null
        && Conditions.find(policy.getStatus().conditions(), Conditions.READY) != null;
  }

  private void createPolicy() {
    env.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.policy("catalog", Map.of("app", "shop"), SECRET, null)).create();
  }

  private void pointSecretAt(String url) {
    env.client().secrets().inNamespace(MockCluster.NAMESPACE).withName(SECRET).edit(s -> {
      s.setData(Map.of("url", Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8))));
      return s;
    });
  }

  @Test
  void changingTheSecretToAReachableRedisReconcilesThePolicyAtOnce() {
    env.brokerSecret(SECRET, "redis://127.0.0.1:" + RedisServers.freePort(false));
    createPolicy();
    Await.upTo10s().until(() -> brokerReachable() != null);
    assertThat(brokerReachable().getStatus()).isEqualTo("False");
    assertThat(brokerReachable().getReason()).isEqualTo("BrokerUnavailable");

    pointSecretAt(env.redis().url());

    Await.upTo10s().until(() -> brokerReachable() == null && readyReported());
  }

  @Test
  void aSecretCreatedAfterThePolicyReconcilesItAtOnce() {
    createPolicy();
    Await.upTo10s().until(() -> brokerReachable() != null);
    assertThat(brokerReachable().getMessage()).contains("Secret shop/" + SECRET + " not found");

    env.brokerSecret(SECRET, env.redis().url());

    Await.upTo10s().until(() -> brokerReachable() == null && readyReported());
  }
}
