package io.cachemesh.operator.admission;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The two webhook configurations as the chart creates them (no caBundle yet: the operator patches it). */
public final class WebhookConfigurations {
  private WebhookConfigurations() {}

  public static void create(KubernetesClient client, String service, String namespace, String mutating, String validating) {
    client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(mutating).endMetadata()
        .addNewWebhook().withName("pods.cachemesh.io").withAdmissionReviewVersions("v1").withSideEffects("None")
        .withNewClientConfig().withNewService().withName(service).withNamespace(namespace).withPath(AdmissionServer.MUTATE_PODS)
        .endService().endClientConfig().endWebhook().build()).create();
    client.admissionRegistration().v1().validatingWebhookConfigurations().resource(new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(validating).endMetadata()
        .addNewWebhook().withName("cachepolicies.cachemesh.io").withAdmissionReviewVersions("v1").withSideEffects("None")
        .withNewClientConfig().withNewService().withName(service).withNamespace(namespace)
        .withPath(AdmissionServer.VALIDATE_POLICIES).endService().endClientConfig().endWebhook()
        .addNewWebhook().withName("cacheinvalidations.cachemesh.io").withAdmissionReviewVersions("v1").withSideEffects("None")
        .withNewClientConfig().withNewService().withName(service).withNamespace(namespace)
        .withPath(AdmissionServer.VALIDATE_INVALIDATIONS).endService().endClientConfig().endWebhook().build()).create();
  }
}
