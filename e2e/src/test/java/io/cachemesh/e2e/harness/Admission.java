package io.cachemesh.e2e.harness;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.operator.injection.InjectionDecision;
import io.cachemesh.operator.injection.InjectionSettings;
import io.cachemesh.operator.injection.SidecarInjector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * The API server's admission step for pods. The operator on this branch does not serve the
 * mutating webhook from its process yet, so the harness runs the same {@link SidecarInjector} the
 * webhook runs, with the policies and namespace labels read from the mock API server, and stores
 * the mutated pod. Once the operator serves {@code /mutate-pods}, this is the place to send an
 * AdmissionReview over HTTPS instead and apply the returned JSON patch.
 */
public final class Admission {
  public static final String SIDECAR_VERSION = "0.1.0";
  /** Never pulled: the kubelet of the harness runs sidecar.jar, whatever the image says. */
  public static final String SIDECAR_IMAGE = "cachemesh/sidecar:" + SIDECAR_VERSION;

  private final KubernetesClient client;
  private final SidecarInjector injector;

  public Admission(KubernetesClient client, String operatorNamespace) {
    this.client = client;
    this.injector = new SidecarInjector(InjectionSettings.of(SIDECAR_IMAGE, SIDECAR_VERSION, true, operatorNamespace));
  }

  /** Creates the pod as the API server would after admission; returns the stored pod. */
  public Pod create(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Namespace ns = client.namespaces().withName(namespace).get();
    Map<String, String> labels = ns == null || ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    InjectionDecision decision = injector.decide(pod, namespace, labels,
        client.resources(CachePolicy.class).inNamespace(namespace).list().getItems());
    return switch (decision) {
      case InjectionDecision.Inject inject -> client.pods().inNamespace(namespace).resource(inject.pod()).create();
      case InjectionDecision.Skip skip -> client.pods().inNamespace(namespace).resource(pod).create();
      case InjectionDecision.Refuse refuse -> throw new IllegalStateException("admission refused the pod: " + refuse.message());
    };
  }
}
