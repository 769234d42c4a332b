package io.cachemesh.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two operator replicas against one API server: one reconciles, the other takes over when it stops. */
class LeaderFailoverIT {
  private static final String LEASE_NAMESPACE = "cachemesh-system";
  private MockCluster cluster;
  private KubernetesClient clientB;
  private RunningOperator a;
  private RunningOperator b;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    clientB = cluster.newClient();
  }

  @AfterEach
  void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    clientB.close();
    cluster.close();
  }

  private static OperatorSettings replica(String identity) {
    return RunningOperator.testSettings()
        .withLeaderElection(true, LEASE_NAMESPACE, identity, false)
        .withLease(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250));
  }

  private String holder() {
    Lease lease = cluster.client().leases().inNamespace(LEASE_NAMESPACE).withName("cachemesh-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private void createPolicy(String name) {
    cluster.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.policy(name, Map.of("app", name), null, null)).create();
  }

  private boolean hasConfigMap(String policy) {
    return cluster.client().configMaps().inNamespace(MockCluster.NAMESPACE).withName(policy + "-cachemesh").get() != null;
  }

  @Test
  void onlyTheLeaderReconcilesAndTheFollowerTakesOverWhenTheLeaderStops() {
    a = RunningOperator.start(cluster.client(), replica("replica-a"));
    Await.upTo10s().until(() -> "replica-a".equals(holder()));
    b = RunningOperator.start(clientB, replica("replica-b"));
    assertThat(b.operator().isReady()).as("a follower is ready").isTrue();

    createPolicy("catalog");
    Await.upTo10s().until(() -> hasConfigMap("catalog"));
    assertThat(b.reconciles("CachePolicy")).as("the follower reconciled nothing").isZero();

    a.close();
    a = null;

    Await.atMost(Duration.ofSeconds(15)).until(() -> "replica-b".equals(holder()));
    createPolicy("blog");
    Await.upTo10s().until(() -> hasConfigMap("blog"));
    assertThat(b.reconciles("CachePolicy")).isPositive();
  }
}
