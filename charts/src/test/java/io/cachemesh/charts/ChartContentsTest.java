package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart's files: CRD copies, version, values schema. */
class ChartContentsTest {
  static Stream<Path> crds() throws IOException {
    try (Stream<Path> files = Files.list(Repository.CRDS)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("crds")
  void chartCrdIsAByteIdenticalCopyOfTheGeneratedCrd(Path crd) throws IOException {
    Path copy = Repository.CHART.resolve("crds").resolve(crd.getFileName());

    assertThat(copy).as("refresh with: cp crds/*.yaml charts/cachemesh/crds/").exists();
    assertThat(Files.readAllBytes(copy)).as("%s differs from %s; refresh with: cp crds/*.yaml charts/cachemesh/crds/", copy, crd)
        .isEqualTo(Files.readAllBytes(crd));
  }

  @Test
  void chartHoldsNoCrdThatTheApiModuleDoesNotGenerate() throws IOException {
    List<String> generated = crds().map(p -> p.getFileName().toString()).toList();
    try (Stream<Path> files = Files.list(Repository.CHART.resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactlyElementsOf(generated);
    }
    assertThat(generated).containsExactly("cacheinvalidations.cachemesh.io.yaml", "cachepolicies.cachemesh.io.yaml");
  }

  @Test
  void chartVersionAndAppVersionFollowTheProjectVersion() throws IOException {
    List<String> chart = Files.readAllLines(Repository.CHART.resolve("Chart.yaml"));
    String version = Repository.projectVersion();

    assertThat(chart).contains("apiVersion: v2", "version: " + version, "appVersion: \"" + version + "\"");
  }

  @ParameterizedTest
  @CsvSource({
      "bad-replicas, operator.replicas",
      "bad-unknown-key, failurePolicy",
      "bad-failure-policy, failurePolicy",
      "bad-redis-without-password, redis.password",
      "bad-sidecar-ports, sidecar.ports: proxy (9080), admin (9080) and ops (9082) must be distinct",
      "bad-sidecar-port-range, sidecar.ports.proxy"})
  void badValuesAreRefusedNamingTheField(String values, String field) {
    assertThatThrownBy(() -> ChartRender.template(Repository.values(values), ChartRender.NAMESPACE))
        .hasMessageContaining(field);
  }
}
