package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookConfigurationTest {
  private static final String INJECTOR = "cachemesh-sidecar-injector";
  private static final String VALIDATION = "cachemesh-validation";

  @Test
  void injectionWebhookSeesOnlyPodCreationsOutsideSystemNamespaces() {
    MutatingWebhook webhook = injector(ChartRender.of("defaults", "platform-cache"));

    assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("pods");
      assertThat(rule.getOperations()).containsExactly("CREATE");
    });
    assertThat(webhook.getNamespaceSelector().getMatchExpressions()).containsExactlyInAnyOrder(
        notIn("kubernetes.io/metadata.name", "kube-system", "kube-public", "kube-node-lease", "platform-cache"),
        notIn("cachemesh.io/injection", "disabled"));
    assertThat(webhook.getObjectSelector().getMatchExpressions()).containsExactly(notIn("cachemesh.io/inject", "false"));
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertClient(webhook.getClientConfig(), "/mutate-pods", "platform-cache");
  }

  @ParameterizedTest
  @CsvSource({"defaults, Ignore, 5", "fail-closed, Fail, 10"})
  void injectionFailurePolicyAndTimeoutComeFromValues(String values, String failurePolicy, int timeout) {
    MutatingWebhook webhook = injector(ChartRender.of(values));

    assertThat(webhook.getFailurePolicy()).isEqualTo(failurePolicy);
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(timeout);
  }

  @Test
  void validationFailsClosedWithAShortTimeoutOnBothKinds() {
    List<ValidatingWebhook> webhooks = ChartRender.of("defaults")
        .one(ValidatingWebhookConfiguration.class, VALIDATION).getWebhooks();

    assertThat(webhooks).hasSize(2).allSatisfy(w -> {
      assertThat(w.getFailurePolicy()).isEqualTo("Fail");
      assertThat(w.getTimeoutSeconds()).isLessThanOrEqualTo(5);
      assertThat(w.getSideEffects()).isEqualTo("None");
      assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
      assertThat(w.getRules()).singleElement().satisfies(r -> {
        assertThat(r.getApiGroups()).containsExactly("cachemesh.io");
        assertThat(r.getOperations()).containsExactly("CREATE", "UPDATE");
      });
    });
    assertThat(webhooks).extracting(w -> w.getRules().getFirst().getResources().getFirst())
        .containsExactly("cachepolicies", "cacheinvalidations");
    assertClient(webhooks.get(0).getClientConfig(), "/validate-cachepolicies", ChartRender.NAMESPACE);
    assertClient(webhooks.get(1).getClientConfig(), "/validate-cacheinvalidations", ChartRender.NAMESPACE);
  }

  @Test
  void caBundleIsLeftToTheOperatorByDefault() {
    ChartRender render = ChartRender.of("defaults");

    assertThat(injector(render).getClientConfig().getCaBundle()).isNull();
    assertThat(render.one(ValidatingWebhookConfiguration.class, VALIDATION).getWebhooks())
        .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isNull());
    assertThat(render.one(MutatingWebhookConfiguration.class, INJECTOR).getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void certManagerInjectsTheCaFromTheChartsCertificate() {
    ChartRender render = ChartRender.of("cert-manager");
    String injectFrom = ChartRender.NAMESPACE + "/cachemesh-webhook";

    assertThat(render.one(MutatingWebhookConfiguration.class, INJECTOR).getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", injectFrom);
    assertThat(render.one(ValidatingWebhookConfiguration.class, VALIDATION).getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", injectFrom);
    assertThat(render.names()).contains("Certificate/cachemesh-webhook", "Issuer/cachemesh-selfsigned");
  }

  @Test
  void webhookServiceReachesTheOperatorsWebhookPort() {
    Service service = ChartRender.of("defaults").one(Service.class, "cachemesh-webhook");

    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(443);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("webhook");
    });
    assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "operator");
  }

  private static MutatingWebhook injector(ChartRender render) {
    return render.one(MutatingWebhookConfiguration.class, INJECTOR).getWebhooks().getFirst();
  }

  private static void assertClient(WebhookClientConfig client, String path, String namespace) {
    assertThat(client.getService().getName()).isEqualTo("cachemesh-webhook");
    assertThat(client.getService().getNamespace()).isEqualTo(namespace);
    assertThat(client.getService().getPath()).isEqualTo(path);
    assertThat(client.getService().getPort()).isEqualTo(443);
  }

  private static LabelSelectorRequirement notIn(String key, String... values) {
    return new LabelSelectorRequirement(key, "NotIn", List.of(values));
  }
}
