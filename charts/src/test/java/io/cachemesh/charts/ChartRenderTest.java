package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChartRenderTest {
  @Test
  void chartPassesStrictLint() {
    LintResult result = new Helm(Repository.CHART).lint().strict().call();

    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "cert-manager", "monitoring", "redis", "fail-closed", "everything", "sidecar-ports"})
  void renderingTwiceIsByteIdentical(String values) {
    String first = ChartRender.template(Repository.values(values), ChartRender.NAMESPACE);
    String second = ChartRender.template(Repository.values(values), ChartRender.NAMESPACE);

    assertThat(second).isEqualTo(first);
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "cert-manager", "monitoring", "redis", "fail-closed", "everything", "sidecar-ports"})
  void everyNamespacedObjectLandsInTheReleaseNamespace(String values) {
    ChartRender render = ChartRender.of(values, "platform-cache");

    assertThat(render.objects()).isNotEmpty();
    render.objects().stream()
        .filter(o -> isNamespaced(o) && !isBrokerSecretForApps(o))
        .forEach(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind() + "/" + o.getMetadata().getName())
            .isEqualTo("platform-cache"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"defaults", "cert-manager", "monitoring", "redis", "fail-closed", "everything", "sidecar-ports"})
  void everyObjectCarriesTheChartLabels(String values) {
    ChartRender.of(values).objects().forEach(o -> assertThat(o.getMetadata().getLabels())
        .as(o.getKind() + "/" + o.getMetadata().getName())
        .containsEntry("app.kubernetes.io/instance", ChartRender.RELEASE)
        .containsEntry("app.kubernetes.io/part-of", "cachemesh")
        .containsKey("helm.sh/chart"));
  }

  @Test
  void defaultsRenderNoNamespaceObjectAndNoOptionalComponents() {
    ChartRender render = ChartRender.of("defaults");

    assertThat(render.all(Namespace.class)).isEmpty();
    assertThat(render.objects()).extracting(HasMetadata::getKind)
        .doesNotContain("ServiceMonitor", "PodMonitor", "Certificate", "Issuer", "Secret")
        .contains("Deployment", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
            "Service", "PodDisruptionBudget", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");
  }

  private static boolean isNamespaced(HasMetadata o) {
    return !List.of("ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration", "CustomResourceDefinition").contains(o.getKind());
  }

  private static boolean isBrokerSecretForApps(HasMetadata o) {
    return o.getKind().equals("Secret") && o.getMetadata().getName().equals("cachemesh-redis");
  }
}
