package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

class OperatorDeploymentTest {
  private static final String NAME = "cachemesh-operator";

  @Test
  void runsTwoReplicasWithLeaderElectionAndAllWebhookFlags() {
    Deployment deployment = ChartRender.of("defaults").one(Deployment.class, NAME);
    Container operator = container(deployment);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(operator.getArgs()).containsExactly(
        "--leader-election=true",
        "--lease-name=cachemesh-operator",
        "--metrics-port=8080",
        "--sidecar-image=ghcr.io/cachemesh/sidecar:" + Repository.projectVersion(),
        "--sidecar-version=" + Repository.projectVersion(),
        "--native-sidecars=auto",
        "--sidecar-cpu-request=50m",
        "--sidecar-memory-request=64Mi",
        "--sidecar-memory-limit=128Mi",
        "--sidecar-proxy-port=15080",
        "--sidecar-admin-port=15081",
        "--sidecar-ops-port=15082",
        "--webhooks=true",
        "--webhook-port=9443",
        "--webhook-service=cachemesh-webhook",
        "--webhook-namespace=" + ChartRender.NAMESPACE,
        "--mutating-webhook-config=cachemesh-sidecar-injector",
        "--validating-webhook-config=cachemesh-validation",
        "--webhook-secret=cachemesh-webhook-tls");
    assertThat(operator.getImage()).isEqualTo("ghcr.io/cachemesh/operator:" + Repository.projectVersion());
    assertThat(operator.getEnv()).extracting(EnvVar::getName).containsExactly("POD_NAME", "POD_NAMESPACE");
    assertThat(operator.getEnv()).extracting(e -> e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactly("metadata.name", "metadata.namespace");
    assertThat(operator.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("metrics:8080", "webhook:9443");
  }

  @Test
  void probesUseTheMetricsPortsHealthEndpoints() {
    Container operator = container(ChartRender.of("defaults").one(Deployment.class, NAME));

    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void meetsTheRestrictedPodSecurityStandard() {
    PodSpec pod = ChartRender.of("defaults").one(Deployment.class, NAME).getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().getFirst();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(operator.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly("/tmp");
  }

  @Test
  void certManagerModeMountsTheIssuedSecretAndPassesCertDir() {
    PodSpec pod = ChartRender.of("cert-manager").one(Deployment.class, NAME).getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().getFirst();

    assertThat(operator.getArgs()).contains("--cert-dir=/etc/cachemesh/webhook-certs")
        .noneMatch(a -> a.startsWith("--webhook-secret"));
    assertThat(operator.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/etc/cachemesh/webhook-certs");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName()).containsExactly("cachemesh-webhook-tls");
  }

  @Test
  void extraArgsAndReplicasFromValuesAreApplied() {
    Deployment deployment = ChartRender.of("everything").one(Deployment.class, NAME);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(container(deployment).getArgs()).endsWith("--heartbeat-interval=30s");
  }

  @Test
  void disruptionBudgetKeepsOneOperatorRunning() {
    ChartRender render = ChartRender.of("defaults");
    PodDisruptionBudget pdb = render.one(PodDisruptionBudget.class, NAME);

    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(render.one(Deployment.class, NAME).getSpec().getSelector().getMatchLabels());
  }

  private static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }
}
