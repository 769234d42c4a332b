package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstallManifestsTest {
  @Test
  void committedInstallManifestsEqualAFreshRenderOfTheChart() throws IOException {
    Map<String, String> fresh = InstallManifests.generate();
    if (Boolean.getBoolean("manifests.update")) {
      InstallManifests.write(fresh);
    }
    Map<String, String> committed = InstallManifests.committed();

    assertThat(committed.keySet()).as("manifests/install is out of date: run %s", InstallManifests.REGENERATE)
        .containsExactlyInAnyOrderElementsOf(fresh.keySet());
    fresh.forEach((file, content) -> assertThat(committed.get(file))
        .as("manifests/install/%s is out of date: run %s", file, InstallManifests.REGENERATE).isEqualTo(content));
  }

  @Test
  void installHoldsTheCrdsTheNamespaceAndTheOperator() throws IOException {
    List<HasMetadata> objects = InstallManifests.generate().entrySet().stream()
        .filter(e -> !e.getKey().equals("kustomization.yaml"))
        .flatMap(e -> ChartRender.objects(e.getValue()).stream()).toList();

    assertThat(objects).filteredOn(CustomResourceDefinition.class::isInstance)
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("cacheinvalidations.cachemesh.io", "cachepolicies.cachemesh.io");
    assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Namespace/cachemesh-system", "Deployment/cachemesh-operator",
            "MutatingWebhookConfiguration/cachemesh-sidecar-injector");
    assertThat(objects).filteredOn(o -> o.getMetadata().getNamespace() != null)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(InstallManifests.NAMESPACE));
  }
}
