package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * manifests/install renders to the chart's objects plus the CRDs and the Namespace: the files
 * kustomization.yaml lists, and with kubectl on the PATH also `kubectl kustomize`.
 */
class KustomizeIT {
  @Test
  void installRendersTheChartsObjectsCrdsAndNamespace() throws Exception {
    List<String> expected = new ArrayList<>(List.of(
        "CustomResourceDefinition/cacheinvalidations.cachemesh.io",
        "CustomResourceDefinition/cachepolicies.cachemesh.io",
        "Namespace/cachemesh-system"));
    expected.addAll(ChartRender.of("defaults", InstallManifests.NAMESPACE).names());

    assertThat(names(ChartRender.objects(listedFiles()))).containsExactlyInAnyOrderElementsOf(expected);
    Optional<Path> kubectl = kubectl();
    if (kubectl.isPresent()) {
      assertThat(names(ChartRender.objects(kustomize(kubectl.get())))).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static List<String> names(List<HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }

  private static String kustomize(Path kubectl) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(kubectl.toString(), "kustomize", Repository.INSTALL.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize %s", Repository.INSTALL).isZero();
    return out;
  }

  private static String listedFiles() throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : Files.readAllLines(Repository.INSTALL.resolve("kustomization.yaml"))) {
      if (line.startsWith("  - ")) {
        out.append("---\n").append(Files.readString(Repository.INSTALL.resolve(line.substring(4).strip())));
      }
    }
    return out.toString();
  }

  private static Optional<Path> kubectl() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    try (Stream<String> dirs = Stream.of(path.split(File.pathSeparator))) {
      return dirs.filter(d -> !d.isEmpty()).map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst();
    }
  }
}
