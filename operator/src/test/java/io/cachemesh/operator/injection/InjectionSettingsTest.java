package io.cachemesh.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InjectionSettingsTest {
  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "1, 28, false",
      "1, 29, true",
      "1, 31+, true",
      "1, 28+, false",
      "2, 0, true",
      "1, '', false",
      "null, 30, false",
      "v1, 30, false",
  })
  void nativeSidecarsFromKubernetes129(String major, String minor, boolean supported) {
    assertThat(InjectionSettings.nativeSidecarsSupported(major, minor)).isEqualTo(supported);
  }

  @ParameterizedTest(name = "{0}.{1} runsToCompletion={2} -> native={3}")
  @CsvSource({
      "1, 28, false, false",
      "1, 28, true, false",
      "1, 30, false, false",
      "1, 30, true, true",
      "1, 32, false, true",
      "1, 33+, true, true",
  })
  void nativeSidecarOnlyWhereServicesReachItOrThePodMustComplete(
      String major, String minor, boolean runsToCompletion, boolean nativeForPod) {
    assertThat(InjectionSettings.forCluster("i", "v", major, minor, "ops").nativeSidecarFor(runsToCompletion))
        .isEqualTo(nativeForPod);
  }

  @ParameterizedTest
  @CsvSource({"kube-system, true", "kube-public, true", "kube-node-lease, true", "cachemesh-system, true", "shop, false", "default, false"})
  void systemNamespacesIncludeTheOperatorsOwn(String namespace, boolean system) {
    assertThat(InjectionFixtures.NATIVE.isSystemNamespace(namespace)).isEqualTo(system);
  }
}
