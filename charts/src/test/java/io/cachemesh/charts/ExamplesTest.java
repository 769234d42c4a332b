package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo app and the Argo CD assets in manifests/examples/ fit the example policy and the chart. */
class ExamplesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void demoDeploymentIsSelectedByTheCatalogPolicyAndServesItsUpstreamPort() throws IOException {
    JsonNode policy = YAML.readTree(Repository.EXAMPLES.resolve("catalog-per-route.yaml").toFile());
    Deployment deployment = demo(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    Container app = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();

    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(policy.at("/metadata/namespace").asText());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("cachemesh.io/policy", policy.at("/metadata/name").asText());
    policy.at("/spec/selector/matchLabels").properties()
        .forEach(e -> assertThat(podLabels).containsEntry(e.getKey(), e.getValue().asText()));
    assertThat(app.getPorts()).anySatisfy(p -> {
      assertThat(p.getContainerPort()).isEqualTo(policy.at("/spec/upstream/port").asInt());
      assertThat(p.getName()).isEqualTo("http");
    });
  }

  @Test
  void demoServiceUsesANamedTargetPortSoThatTheSidecarTakesItOver() throws IOException {
    Service service = demo(Service.class);
    Deployment deployment = demo(Deployment.class);

    assertThat(service.getSpec().getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
    assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void argoApplicationIgnoresTheCaBundleOfBothWebhookConfigurationsTheChartRenders() throws IOException {
    JsonNode app = YAML.readTree(Repository.EXAMPLES.resolve("argocd/application-cachemesh.yaml").toFile());
    List<String> webhookKinds = ChartRender.of("defaults").objects().stream().map(HasMetadata::getKind)
        .filter(k -> k.endsWith("WebhookConfiguration")).toList();

    assertThat(app.at("/spec/source/path").asText()).isEqualTo("charts/cachemesh");
    assertThat(app.at("/spec/ignoreDifferences").findValuesAsText("kind")).containsExactlyInAnyOrderElementsOf(webhookKinds);
    assertThat(app.at("/spec/ignoreDifferences").findValues("jqPathExpressions"))
        .allSatisfy(e -> assertThat(e.get(0).asText()).isEqualTo(".webhooks[]?.clientConfig.caBundle"));
    assertThat(app.at("/spec/syncPolicy/syncOptions").toString()).contains("RespectIgnoreDifferences=true");
  }

  @Test
  void examplesApplicationLeavesOutTheArgoAndFluxFolders() throws IOException {
    GenericKubernetesResource app = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        Files.readString(Repository.EXAMPLES.resolve("argocd/application-examples.yaml")), GenericKubernetesResource.class);

    assertThat(app.getKind()).isEqualTo("Application");
    assertThat(app.getAdditionalProperties().get("spec").toString()).contains("path=manifests/examples", "exclude={argocd/*,flux/*}");
  }

  private static <T extends HasMetadata> T demo(Class<T> type) throws IOException {
    return ChartRender.objects(Files.readString(Repository.EXAMPLES.resolve("demo/catalog.yaml"))).stream()
        .filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }
}
