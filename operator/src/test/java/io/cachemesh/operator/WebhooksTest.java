package io.cachemesh.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.operator.injection.InjectionSettings;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhooksTest {
  @ParameterizedTest(name = "--native-sidecars={0} --kubernetes-version={1}: native={2}, Services reach it={3}")
  @CsvSource({
      "auto, 1.28, false, false",
      "auto, 1.29, true, false",
      "auto, v1.31.4, true, false",
      "auto, 1.32, true, true",
      "auto, 2.0, true, true",
      "true, 1.28, true, true",
      "false, 1.33, false, false"})
  void nativeSidecarsFollowTheFlagOrTheClusterVersion(String mode, String version, boolean nativeSidecars, boolean reach) {
    OperatorSettings settings = OperatorSettings.parse(new String[] {
        "--native-sidecars=" + mode, "--kubernetes-version=" + version, "--sidecar-image=registry.example/sidecar:3.1.0"}, Map.of());

    // With --kubernetes-version the API server is never asked: no client needed.
    InjectionSettings injection = Webhooks.injection(null, settings.webhooks(), settings.sidecarVersion(), "cachemesh-system");

    assertThat(injection.nativeSidecars()).isEqualTo(nativeSidecars);
    assertThat(injection.servicesReachSidecarPorts()).isEqualTo(reach);
    assertThat(injection.sidecarImage()).isEqualTo("registry.example/sidecar:3.1.0");
    assertThat(injection.sidecarVersion()).isEqualTo("3.1.0");
    assertThat(injection.operatorNamespace()).isEqualTo("cachemesh-system");
    assertThat(injection.defaultResources()).isEqualTo(settings.webhooks().sidecarResources());
  }
}
