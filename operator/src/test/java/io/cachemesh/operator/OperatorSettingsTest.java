package io.cachemesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.operator.injection.InjectionSettings;
import io.cachemesh.operator.injection.SidecarPorts;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorSettingsTest {
  @Test
  void defaultsWatchEveryNamespaceWithLeaderElectionAndABoundedHeartbeatRate() {
    OperatorSettings settings = OperatorSettings.defaults();

    assertThat(settings.namespaces()).isEmpty();
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.exitOnLostLease()).isTrue();
    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(settings.heartbeatMaxAge()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.metricsPort()).isEqualTo(8080);
  }

  @Test
  void flagsWinOverEnvironmentAndBothForms() {
    OperatorSettings settings = OperatorSettings.parse(
        new String[] {"--metrics-port=9090", "--namespace", "shop,blog", "--sidecar-version=2.0.0", "--heartbeat-interval=5s"},
        Map.of("CACHEMESH_METRICS_PORT", "7070", "CACHEMESH_LEADER_ELECTION_NAMESPACE", "cachemesh-system"));

    assertThat(settings.metricsPort()).isEqualTo(9090);
    assertThat(settings.namespaces()).containsExactlyInAnyOrder("shop", "blog");
    assertThat(settings.sidecarVersion()).isEqualTo("2.0.0");
    assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.leaderElectionNamespace()).isEqualTo("cachemesh-system");
  }

  @Test
  void badFlagsAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--heartbeat-interval=soon"}, Map.of()))
        .hasMessageStartingWith("--heartbeat-interval:");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--heartbeat-interval=0s"}, Map.of()))
        .hasMessageContaining("hot loop");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--metrics-prot=1"}, Map.of()))
        .hasMessageContaining("--metrics-prot");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--leader-election=maybe"}, Map.of()))
        .hasMessageStartingWith("--leader-election:");
  }

  @Test
  void webhooksAreOnByDefaultWithTheNamesTheChartUses() {
    WebhookSettings webhooks = OperatorSettings.parse(new String[0], Map.of("POD_NAMESPACE", "cachemesh-system")).webhooks();

    assertThat(webhooks.enabled()).isTrue();
    assertThat(webhooks.port()).isEqualTo(9443);
    assertThat(webhooks.service()).isEqualTo("cachemesh-webhook");
    assertThat(webhooks.namespace()).isEqualTo("cachemesh-system");
    assertThat(webhooks.secret()).isEqualTo("cachemesh-webhook-tls");
    assertThat(webhooks.mutatingConfig()).isEqualTo("cachemesh-sidecar-injector");
    assertThat(webhooks.validatingConfig()).isEqualTo("cachemesh-validation");
    assertThat(webhooks.certDir()).isNull();
    assertThat(webhooks.sidecarImage()).isEqualTo("ghcr.io/cachemesh/sidecar:" + ProjectVersion.get());
    assertThat(webhooks.nativeSidecars()).isEqualTo(WebhookSettings.NativeSidecars.AUTO);
    assertThat(webhooks.kubernetesVersion()).isNull();
    assertThat(webhooks.certCheckInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(ProjectVersion.get()).doesNotStartWith("${").isNotBlank();
  }

  @Test
  void webhookFlagsAndEnvironmentAreRead() {
    OperatorSettings settings = OperatorSettings.parse(new String[] {
        "--webhook-port=8443", "--webhook-service=hooks", "--webhook-namespace=ops", "--webhook-secret=tls",
        "--mutating-webhook-config=inject", "--validating-webhook-config=validate", "--cert-dir=/certs",
        "--native-sidecars=false", "--kubernetes-version=v1.31.2", "--cert-check-interval=30s"},
        Map.of("CACHEMESH_WEBHOOKS", "false", "POD_NAMESPACE", "elsewhere"));
    WebhookSettings webhooks = settings.webhooks();

    assertThat(webhooks).isEqualTo(new WebhookSettings(false, 8443, "hooks", "ops", "tls", "inject", "validate",
        Path.of("/certs"), WebhookSettings.defaultImage(), WebhookSettings.NativeSidecars.OFF, "v1.31.2", Duration.ofSeconds(30),
        InjectionSettings.builtInResources(), SidecarPorts.DEFAULTS));
    assertThat(OperatorSettings.parse(new String[] {"--native-sidecars=true"}, Map.of()).webhooks().nativeSidecars())
        .isEqualTo(WebhookSettings.NativeSidecars.ON);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(nullValues = "-", value = {
      "registry.example/cachemesh/sidecar:2.0.0, -, 2.0.0",
      "localhost:5000/sidecar:dev, -, dev",
      "registry.example/sidecar:2.0.0@sha256:abc, -, 2.0.0",
      "registry.example/sidecar:2.0.0, 1.9.0, 1.9.0"})
  void sidecarVersionFollowsTheImageTagUnlessSet(String image, String version, String expected) {
    String[] args = version == null
        ? new String[] {"--sidecar-image=" + image}
        : new String[] {"--sidecar-image=" + image, "--sidecar-version=" + version};
    assertThat(OperatorSettings.parse(args, Map.of()).sidecarVersion()).isEqualTo(expected);
  }

  @Test
  void imageWithoutTagRecordsTheProjectVersion() {
    assertThat(OperatorSettings.parse(new String[] {"--sidecar-image=localhost:5000/sidecar"}, Map.of()).sidecarVersion())
        .isEqualTo(ProjectVersion.get());
  }

  @ParameterizedTest
  @CsvSource({
      "--native-sidecars=maybe, --native-sidecars:",
      "--kubernetes-version=latest, --kubernetes-version:",
      "--webhook-port=70000, --webhook-port:",
      "--webhooks=yes, --webhooks:",
      "--cert-check-interval=0s, --cert-check-interval:"})
  void badWebhookFlagsAreRefusedNamingTheFlag(String flag, String prefix) {
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {flag}, Map.of())).hasMessageStartingWith(prefix);
  }

  @Test
  void sidecarDefaultResourcesComeFromFlagsWithoutACpuLimitUnlessAsked() {
    ResourceRequirements resources = OperatorSettings.parse(new String[] {
        "--sidecar-cpu-request=100m", "--sidecar-memory-request=96Mi", "--sidecar-memory-limit=256Mi"}, Map.of())
        .webhooks().sidecarResources();

    assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("100m")).containsEntry("memory", new Quantity("96Mi"));
    assertThat(resources.getLimits()).containsOnlyKeys("memory").containsEntry("memory", new Quantity("256Mi"));
    assertThat(OperatorSettings.parse(new String[] {"--sidecar-cpu-limit=1"}, Map.of()).webhooks().sidecarResources()
        .getLimits()).containsEntry("cpu", new Quantity("1"));
  }

  @ParameterizedTest
  @CsvSource({"sidecar-memory-limit, 12Q", "sidecar-cpu-request, lots", "sidecar-memory-request, 0"})
  void aBadSidecarQuantityNamesItsFlag(String flag, String value) {
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--" + flag + "=" + value}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--" + flag + ": '" + value + "'");
  }

  @Test
  void sidecarPortsComeFromFlagsOrEnvironment() {
    OperatorSettings settings = OperatorSettings.parse(new String[] {"--sidecar-proxy-port=9080"},
        Map.of("CACHEMESH_SIDECAR_ADMIN_PORT", "9081", "CACHEMESH_SIDECAR_OPS_PORT", "9082"));

    assertThat(settings.webhooks().sidecarPorts()).isEqualTo(new SidecarPorts(9080, 9081, 9082));
    assertThat(OperatorSettings.defaults().webhooks().sidecarPorts()).isEqualTo(new SidecarPorts(15080, 15081, 15082));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--sidecar-proxy-port=0 | --sidecar-proxy-port: 0 is not a port (1-65535)",
      "--sidecar-admin-port=65536 | --sidecar-admin-port: 65536 is not a port (1-65535)",
      "--sidecar-ops-port=-1 | --sidecar-ops-port: -1 is not a port (1-65535)",
      "--sidecar-ops-port=http | --sidecar-ops-port: 'http' is not a number",
      "--sidecar-admin-port=15080 | --sidecar-admin-port: 15080 is already --sidecar-proxy-port",
      "--sidecar-ops-port=15081 | --sidecar-ops-port: 15081 is already --sidecar-admin-port",
      "--sidecar-ops-port=15080 | --sidecar-ops-port: 15080 is already --sidecar-proxy-port"})
  void badSidecarPortsAreRefusedNamingTheFlag(String flag, String message) {
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {flag}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
