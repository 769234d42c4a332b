package io.cachemesh.operator.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachemesh.operator.injection.InjectionDecision;
import io.cachemesh.operator.injection.JsonPatches;
import io.cachemesh.operator.injection.SidecarInjector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /mutate-pods}: runs the pure {@link SidecarInjector} on a Pod CREATE and answers with the
 * minimal JSON patch. A pod naming a policy that does not exist is refused (404-style status naming
 * the policy and namespace); every other skip is allowed unchanged, with the injector's warnings.
 */
public final class PodInjectionHandler implements AdmissionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PodInjectionHandler.class);

  private final SidecarInjector injector;
  private final PolicyLookup lookup;

  public PodInjectionHandler(SidecarInjector injector, PolicyLookup lookup) {
    this.injector = Objects.requireNonNull(injector, "injector");
    this.lookup = Objects.requireNonNull(lookup, "lookup");
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) throws MalformedReviewException {
    if (!"CREATE".equals(request.getOperation())) {
      return AdmissionReviews.allow(List.of());
    }
    Pod pod = AdmissionReviews.object(request.getObject(), Pod.class, "object");
    String namespace = request.getNamespace() != null ? request.getNamespace()
        : pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
    if (namespace == null || namespace.isBlank()) {
      throw new MalformedReviewException("request.namespace is required for a Pod");
    }
    if (pod.getMetadata() == null) {
      throw new MalformedReviewException("request.object.metadata is required");
    }
    InjectionDecision decision = injector.decide(pod, namespace, lookup.namespaceLabels(namespace), lookup.policies(namespace));
    String podName = pod.getMetadata().getName() != null ? pod.getMetadata().getName() : pod.getMetadata().getGenerateName();
    return switch (decision) {
      case InjectionDecision.Inject inject -> {
        LOG.info("event=pod_injected namespace={} pod={} policy={} warnings={}", namespace, podName,
            inject.policy(), inject.warnings().size());
        yield AdmissionReviews.patch(
            JsonPatches.diff(tree(pod), tree(inject.pod())), inject.warnings());
      }
      case InjectionDecision.Skip skip -> {
        LOG.debug("event=pod_not_injected namespace={} pod={} reason=\"{}\"", namespace, podName, skip.reason());
        yield AdmissionReviews.allow(skip.warnings());
      }
      case InjectionDecision.Refuse refuse -> {
        LOG.info("event=pod_refused namespace={} pod={} reason=\"{}\"", namespace, podName, refuse.message());
        yield AdmissionReviews.deny(404, "NotFound", refuse.message(), refuse.warnings());
      }
    };
  }

  private static JsonNode tree(Pod pod) {
    return AdmissionReviews.JSON.convertValue(pod, JsonNode.class);
  }
}
