package io.cachemesh.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API server's admission step, which the mock API server does not have: before an object is
 * stored, every webhook of the Mutating/ValidatingWebhookConfigurations in the mock server whose
 * rules and selectors match is sent an {@code admission.k8s.io/v1} AdmissionReview over HTTPS (see
 * {@link WebhookCall}); a JSONPatch in the answer is applied, a refusal throws
 * {@link AdmissionRefusedException}, and a webhook that cannot be reached follows its
 * {@code failurePolicy} ({@code Ignore}: admitted unchanged; {@code Fail}: refused). Services are
 * resolved through {@link #route}, as kube-proxy would.
 */
public final class Admission {
  private final KubernetesClient client;
  private final KubernetesSerialization json;
  private final Map<String, InetSocketAddress> services = new ConcurrentHashMap<>();

  public Admission(KubernetesClient client) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
  }

  /** Where the Service {@code name.namespace} sends its traffic (port 443 of the Service). */
  public void route(String service, String namespace, InetSocketAddress endpoint) {
    services.put(dnsName(service, namespace), endpoint);
  }

  /** Creates the pod as the API server would after mutating admission; returns the stored pod. */
  public Pod create(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Pod admitted = pod;
    for (var configuration : client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()) {
      for (MutatingWebhook webhook : configuration.getWebhooks()) {
        if (matches(webhook.getRules(), "", "v1", "pods", "CREATE")
            && Selectors.matches(webhook.getNamespaceSelector(), namespaceLabels(namespace))
            && Selectors.matches(webhook.getObjectSelector(), labels(admitted))) {
          admitted = mutate(webhook, admitted, namespace);
        }
      }
    }
    return client.pods().inNamespace(namespace).resource(admitted).create();
  }

  /**
   * Runs the validating webhooks of a namespaced custom resource's CREATE ({@code old} null) or
   * UPDATE; returns normally when it is admitted.
   */
  public void validate(HasMetadata object, HasMetadata old, String plural) {
    String[] apiVersion = object.getApiVersion().split("/", 2);
    String operation = old == null ? "CREATE" : "UPDATE";
    String namespace = object.getMetadata().getNamespace();
    for (var configuration : client.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems()) {
      for (ValidatingWebhook webhook : configuration.getWebhooks()) {
        if (matches(webhook.getRules(), apiVersion[0], apiVersion[1], plural, operation)
            && Selectors.matches(webhook.getNamespaceSelector(), namespaceLabels(namespace))
            && Selectors.matches(webhook.getObjectSelector(), labels(object))) {
          AdmissionRequest request = request(object, old, plural, operation);
          AdmissionResponse response = call(webhook.getName(), webhook.getClientConfig(), webhook.getTimeoutSeconds(),
              webhook.getFailurePolicy(), request);
          refuseUnlessAllowed(webhook.getName(), response);
        }
      }
    }
  }

  private Pod mutate(MutatingWebhook webhook, Pod pod, String namespace) {
    AdmissionResponse response = call(webhook.getName(), webhook.getClientConfig(), webhook.getTimeoutSeconds(),
        webhook.getFailurePolicy(), request(pod, null, "pods", "CREATE"));
    if (response == null) {
      return pod;
    }
    refuseUnlessAllowed(webhook.getName(), response);
    if (response.getPatch() == null) {
      return pod;
    }
    if (!"JSONPatch".equals(response.getPatchType())) {
      throw new IllegalStateException("webhook " + webhook.getName() + " answered patchType " + response.getPatchType());
    }
    JsonNode patch = json.unmarshal(new String(Base64.getDecoder().decode(response.getPatch()), StandardCharsets.UTF_8),
        JsonNode.class);
    JsonNode patched = JsonPatch.apply(patch, json.convertValue(pod, JsonNode.class));
    Pod result = json.convertValue(patched, Pod.class);
    result.getMetadata().setNamespace(namespace);
    return result;
  }

  private AdmissionRequest request(HasMetadata object, HasMetadata old, String plural, String operation) {
    String[] apiVersion = object.getApiVersion().contains("/") ? object.getApiVersion().split("/", 2)
        : new String[] {"", object.getApiVersion()};
    GroupVersionKind kind = new GroupVersionKind(apiVersion[0], object.getKind(), apiVersion[1]);
    GroupVersionResource resource = new GroupVersionResource(apiVersion[0], plural, apiVersion[1]);
    AdmissionRequest request = new AdmissionRequest();
    request.setUid(UUID.randomUUID().toString());
    request.setKind(kind);
    request.setRequestKind(kind);
    request.setResource(resource);
    request.setRequestResource(resource);
    request.setName(object.getMetadata().getName());
    request.setNamespace(object.getMetadata().getNamespace());
    request.setOperation(operation);
    request.setUserInfo(new UserInfoBuilder().withUsername("e2e-harness").withGroups("system:authenticated").build());
    request.setObject(object);
    request.setOldObject(old);
    request.setDryRun(false);
    return request;
  }

  /** The webhook's response, or null when it could not be reached and its failurePolicy is Ignore. */
  private AdmissionResponse call(String name, WebhookClientConfig config, Integer timeoutSeconds, String failurePolicy,
      AdmissionRequest request) {
    ServiceReference service = config.getService();
    if (service == null) {
      throw new IllegalStateException("webhook " + name + ": only Service references are played by the harness");
    }
    String dnsName = dnsName(service.getName(), service.getNamespace());
    InetSocketAddress endpoint = services.get(dnsName);
    AdmissionReview review = new AdmissionReviewBuilder().withApiVersion("admission.k8s.io/v1").withKind("AdmissionReview")
        .withRequest(request).build();
    String answer;
    try {
      if (endpoint == null) {
        throw new IllegalStateException("no endpoints for service " + dnsName);
      }
      answer = WebhookCall.post(endpoint, dnsName, service.getPath(), config.getCaBundle(),
          Duration.ofSeconds(timeoutSeconds == null ? 10 : timeoutSeconds), json.asJson(review));
    } catch (RuntimeException e) {
      if ("Ignore".equals(failurePolicy)) {
        System.err.println("event=admission_webhook_failed webhook=" + name + " failurePolicy=Ignore action=admitted reason=\"" + e + "\"");
        return null;
      }
      throw new AdmissionRefusedException(500, "failed calling webhook " + name + ": " + e.getMessage());
    }
    AdmissionReview reviewed = json.unmarshal(answer, AdmissionReview.class);
    AdmissionResponse response = reviewed.getResponse();
    if (response == null || !request.getUid().equals(response.getUid())) {
      throw new IllegalStateException("webhook " + name + " answered without the request's uid: " + answer);
    }
    return response;
  }

  private static void refuseUnlessAllowed(String webhook, AdmissionResponse response) {
    if (response != null && !Boolean.TRUE.equals(response.getAllowed())) {
      int code = response.getStatus() == null || response.getStatus().getCode() == null ? 403 : response.getStatus().getCode();
      String message = response.getStatus() == null ? "" : response.getStatus().getMessage();
      throw new AdmissionRefusedException(code, "admission webhook \"" + webhook + "\" denied the request: " + message);
    }
  }

  private static boolean matches(List<RuleWithOperations> rules, String group, String version, String resource,
      String operation) {
    return rules.stream().anyMatch(rule -> matchesOne(rule.getApiGroups(), group)
        && matchesOne(rule.getApiVersions(), version)
        && matchesOne(rule.getResources(), resource)
        && matchesOne(rule.getOperations(), operation));
  }

  private static boolean matchesOne(List<String> allowed, String value) {
    return allowed.contains("*") || allowed.contains(value);
  }

  /** A namespace's labels, with the {@code kubernetes.io/metadata.name} label the API server sets on every namespace. */
  private Map<String, String> namespaceLabels(String namespace) {
    Namespace ns = client.namespaces().withName(namespace).get();
    Map<String, String> labels = new HashMap<>(ns == null ? Map.of() : labels(ns));
    labels.put("kubernetes.io/metadata.name", namespace);
    return labels;
  }

  private static Map<String, String> labels(HasMetadata object) {
    return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
  }

  private static String dnsName(String service, String namespace) {
    return service + "." + namespace + ".svc";
  }
}
