package io.cachemesh.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.operator.certs.CertificateManager;
import io.cachemesh.operator.certs.CertificateSettings;
import io.cachemesh.redis.testing.MutableClock;
import io.cachemesh.operator.certs.Pem;
import io.cachemesh.operator.certs.ServingTls;
import io.cachemesh.operator.certs.WebhookCertificates;
import io.cachemesh.operator.injection.InjectionFixtures;
import io.cachemesh.operator.injection.SidecarInjector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real webhook server over HTTPS, backed by the fabric8 mock API server in CRUD mode with the
 * generated CRDs installed, answering real AdmissionReview v1 requests from a client that trusts only
 * the generated CA. The certificate rotation test runs last: it changes the CA every client trusts.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionServerIT {
  private static final String SERVICE = "cachemesh-webhook";
  private static final String OPERATOR_NS = "cachemesh-system";
  private static final String SERVICE_DNS = SERVICE + "." + OPERATOR_NS + ".svc";
  private static final Duration CA_VALIDITY = Duration.ofDays(3);
  /** Starts 2.5 days in the past: the first certificates are valid now, and moving to now makes the CA due. */
  private static final Duration HEAD_START = Duration.ofHours(60);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static KubernetesClient client;
  static KubernetesMockServer server;

  private static MutableClock clock;
  private static CertificateManager certificates;
  private static InformerPolicyLookup lookup;
  private static AdmissionServer webhooks;

  @BeforeAll
  static void startServer() throws Exception {
    for (String crd : List.of("cachepolicies.cachemesh.io.yaml", "cacheinvalidations.cachemesh.io.yaml")) {
      try (InputStream in = Files.newInputStream(Path.of("..", "crds", crd))) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      }
    }
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
        .addToLabels("team", "shop").endMetadata().build()).create();
    client.resources(CachePolicy.class).inNamespace("shop")
        .resource(InjectionFixtures.policy("catalog", null, null, new IntOrString("http"))).create();
    WebhookConfigurations.create(client, SERVICE, OPERATOR_NS, "cachemesh-injector", "cachemesh-validator");

    clock = new MutableClock(Clock.systemUTC().instant().minus(HEAD_START));
    certificates = new CertificateManager(client, new CertificateSettings(SERVICE, OPERATOR_NS,
        CertificateSettings.DEFAULT_SECRET, List.of("cachemesh-injector"), List.of("cachemesh-validator"),
        CA_VALIDITY, CA_VALIDITY, false, null), clock);
    ServingTls tls = certificates.serving();
    lookup = InformerPolicyLookup.start(client);
    webhooks = AdmissionServer.cachemesh(new InetSocketAddress("127.0.0.1", 0), tls.sslContext(),
        new SidecarInjector(InjectionFixtures.NATIVE), lookup).start();
  }

  @AfterAll
  static void stopServer() {
    if (webhooks != null) {
      webhooks.close();
    }
    if (lookup != null) {
      lookup.close();
    }
  }

  @Test
  @Order(1)
  void podCreateGetsAPatchThatInjectsTheSidecar() throws Exception {
    Pod pod = InjectionFixtures.pod("""
        metadata: {name: web-1, namespace: shop, labels: {app: web}, annotations: {cachemesh.io/policy: catalog}}
        spec:
          containers:
          - name: app
            image: shop/web:1
            ports: [{name: http, containerPort: 8080}]
            readinessProbe: {httpGet: {path: /ready, port: http}}
        """);
    String uid = UUID.randomUUID().toString();
    List<X509Certificate> ca = trustedCa();
    int apiRequestsBefore = server.getRequestCount();
    JsonNode response = review(ca, AdmissionServer.MUTATE_PODS, request(uid, "Pod", "CREATE", "shop", pod, null));
    assertThat(server.getRequestCount()).as("admission reads the informer caches, not the API").isEqualTo(apiRequestsBefore);

    assertThat(response.path("uid").asText()).isEqualTo(uid);
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = MAPPER.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    Pod patched = InjectionFixtures.JSON.convertValue(JsonPatch.apply(patch, InjectionFixtures.tree(pod)), Pod.class);

    Container sidecar = patched.getSpec().getInitContainers().getFirst();
    assertThat(sidecar.getName()).isEqualTo("cachemesh-sidecar");
    assertThat(sidecar.getPorts().getFirst().getName()).isEqualTo("http");
    Container app = patched.getSpec().getContainers().getFirst();
    assertThat(app.getPorts().getFirst().getName()).isEqualTo("app-http");
    assertThat(app.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
    assertThat(patched.getMetadata().getAnnotations()).containsEntry("cachemesh.io/injected-policy", "catalog");
  }

  @Test
  @Order(2)
  void podNamingAMissingPolicyIsRefusedWithTheNameAndNamespace() throws Exception {
    Pod pod = InjectionFixtures.pod(InjectionFixtures.webPod("annotations: {cachemesh.io/policy: ghost}", ""));
    JsonNode response = review(AdmissionServer.MUTATE_PODS, request("u2", "Pod", "CREATE", "shop", pod, null));
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("message").asText()).contains("ghost").contains("shop");
    assertThat(response.has("patch")).isFalse();
  }

  @Test
  @Order(3)
  void podSelectedByNoPolicyIsAllowedUnchanged() throws Exception {
    Pod pod = InjectionFixtures.pod(InjectionFixtures.webPod("", ""));
    JsonNode response = review(AdmissionServer.MUTATE_PODS, request("u3", "Pod", "CREATE", "shop", pod, null));
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(response.has("patch")).isFalse();
  }

  @Test
  @Order(4)
  void invalidCachePolicyIsRefusedWith422AndTheFieldPath() throws Exception {
    CachePolicy invalid = InjectionFixtures.policy("broken", null, null, null);
    invalid.setSpec(new io.cachemesh.api.CachePolicySpec(null, null, null, null, null, null, null, null, null, null));
    JsonNode response = review(AdmissionServer.VALIDATE_POLICIES, request("u4", "CachePolicy", "CREATE", "shop", invalid, null));
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(422);
    assertThat(response.path("status").path("message").asText())
        .startsWith("CachePolicy shop/broken is invalid: ").contains("spec.upstream: is required");
  }

  @Test
  @Order(5)
  void invalidCacheInvalidationListsEveryFieldError() throws Exception {
    CacheInvalidation invalidation = new CacheInvalidation();
    invalidation.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("purge").withNamespace("shop").build());
    invalidation.setSpec(new io.cachemesh.api.CacheInvalidationSpec(null, null, List.of("/ok", "relative"), null, null, null, null));
    JsonNode response = review(AdmissionServer.VALIDATE_INVALIDATIONS,
        request("u5", "CacheInvalidation", "CREATE", "shop", invalidation, null));
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(422);
    assertThat(response.path("status").path("message").asText())
        .contains("spec.policyRef: is required").contains("spec.paths[1]: 'relative' must start with /").contains("; ");
  }

  @Test
  @Order(6)
  void validPolicyAndDeletesAreAllowed() throws Exception {
    CachePolicy valid = InjectionFixtures.policy("fine", null, null, new IntOrString("http"));
    assertThat(review(AdmissionServer.VALIDATE_POLICIES, request("u6", "CachePolicy", "UPDATE", "shop", valid, valid))
        .path("allowed").asBoolean()).isTrue();
    CachePolicy invalid = InjectionFixtures.policy("broken", null, null, null);
    invalid.setSpec(null);
    assertThat(review(AdmissionServer.VALIDATE_POLICIES, request("u7", "CachePolicy", "DELETE", "shop", null, invalid))
        .path("allowed").asBoolean()).isTrue();
  }

  @Test
  @Order(7)
  void malformedBodiesGet400WithAReasonAndTheServerKeepsServing() throws Exception {
    WebhookClient https = new WebhookClient(trustedCa(), SERVICE_DNS);
    WebhookClient.Response notJson = https.post(uri(AdmissionServer.MUTATE_PODS), "{not json");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body()).contains("not JSON");
    WebhookClient.Response wrongKind = https.post(uri(AdmissionServer.VALIDATE_POLICIES), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}");
    assertThat(wrongKind.status()).isEqualTo(400);
    assertThat(wrongKind.body()).contains("admission.k8s.io/v1");
    WebhookClient.Response noUid = https.post(uri(AdmissionServer.MUTATE_PODS),
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}");
    assertThat(noUid.status()).isEqualTo(400);
    assertThat(noUid.body()).contains("request.uid");
    WebhookClient.Response badObject = https.post(uri(AdmissionServer.MUTATE_PODS),
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\","
            + "\"operation\":\"CREATE\",\"namespace\":\"shop\",\"object\":{\"spec\":{\"containers\":\"nope\"}}}}");
    assertThat(badObject.status()).isEqualTo(400);
    assertThat(badObject.body()).contains("request.object");
    assertThat(https.send("GET", uri(AdmissionServer.MUTATE_PODS), null).status()).isEqualTo(405);
    assertThat(https.post(uri("/elsewhere"), "{}").status()).isEqualTo(404);
    Pod pod = InjectionFixtures.pod(InjectionFixtures.webPod("", ""));
    assertThat(review(AdmissionServer.MUTATE_PODS, request("u8", "Pod", "CREATE", "shop", pod, null))
        .path("allowed").asBoolean()).as("still serving after bad requests").isTrue();
  }

  @Test
  @Order(8)
  void caBundleOfEveryWebhookIsTheGeneratedCa() throws Exception {
    String expected = bundleInSecret();
    assertThat(mutating().getWebhooks()).allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(expected));
    assertThat(validating().getWebhooks()).hasSize(2)
        .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(expected));
  }

  @Test
  @Order(9)
  void rotatedCaIsServedWithoutRestartAndPatchedIntoTheWebhookConfigurations() throws Exception {
    List<X509Certificate> oldCa = trustedCa();
    String oldResourceVersion = mutating().getMetadata().getResourceVersion();
    String oldSecretVersion = secret().getMetadata().getResourceVersion();
    assertThat(certificates.ensure().caBundle()).as("nothing is due yet: no change").containsExactlyElementsOf(oldCa);
    assertThat(mutating().getMetadata().getResourceVersion()).as("no write when the caBundle is current").isEqualTo(oldResourceVersion);
    assertThat(secret().getMetadata().getResourceVersion()).as("valid certificates are reused").isEqualTo(oldSecretVersion);

    clock.advance(HEAD_START);
    WebhookCertificates rotated = certificates.ensure();

    assertThat(rotated.ca()).isNotEqualTo(oldCa.getFirst());
    assertThat(rotated.previousCas()).containsExactly(oldCa.getFirst());
    WebhookClient newCaOnly = new WebhookClient(List.of(rotated.ca()), SERVICE_DNS);
    Pod pod = InjectionFixtures.pod(InjectionFixtures.webPod("annotations: {cachemesh.io/policy: catalog}", ""));
    WebhookClient.Response response = newCaOnly.post(uri(AdmissionServer.MUTATE_PODS),
        MAPPER.writeValueAsString(request("u9", "Pod", "CREATE", "shop", pod, null)));
    assertThat(response.status()).isEqualTo(200);
    assertThat(MAPPER.readTree(response.body()).path("response").path("allowed").asBoolean()).isTrue();

    WebhookClient oldCaOnly = new WebhookClient(List.of(oldCa.getFirst()), SERVICE_DNS);
    assertThatThrownBy(() -> oldCaOnly.post(uri(AdmissionServer.MUTATE_PODS), "{}")).isInstanceOf(SSLException.class);

    String bundle = bundleInSecret();
    List<X509Certificate> patched = Pem.readCertificates(Base64.getDecoder().decode(
        mutating().getWebhooks().getFirst().getClientConfig().getCaBundle()));
    assertThat(patched).containsExactly(rotated.ca(), oldCa.getFirst());
    assertThat(validating().getWebhooks()).allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(bundle));
  }

  private static MutatingWebhookConfiguration mutating() {
    return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("cachemesh-injector").get();
  }

  private static ValidatingWebhookConfiguration validating() {
    return client.admissionRegistration().v1().validatingWebhookConfigurations().withName("cachemesh-validator").get();
  }

  private static Secret secret() {
    return client.secrets().inNamespace(OPERATOR_NS).withName(CertificateSettings.DEFAULT_SECRET).get();
  }

  private static String bundleInSecret() {
    return secret().getData().get(WebhookCertificates.CA_CRT);
  }

  private static List<X509Certificate> trustedCa() throws IOException {
    return Pem.readCertificates(Base64.getDecoder().decode(bundleInSecret()));
  }

  private static URI uri(String path) {
    return URI.create("https://127.0.0.1:" + webhooks.address().getPort() + path);
  }

  private static ObjectNode request(String uid, String kind, String operation, String namespace, Object object, Object oldObject) {
    return WebhookClient.request(uid, kind, operation, namespace, object, oldObject);
  }

  private static JsonNode review(String path, ObjectNode review) throws Exception {
    return review(trustedCa(), path, review);
  }

  private static JsonNode review(List<X509Certificate> ca, String path, ObjectNode review) throws Exception {
    return new WebhookClient(ca, SERVICE_DNS).review(uri(path), review);
  }

  @Test
  @Order(10)
  void namespaceLabelsComeFromTheInformerCache() {
    assertThat(lookup.hasSynced()).isTrue();
    assertThat(lookup.namespaceLabels("shop")).containsEntry("team", "shop");
    assertThat(lookup.policies("shop")).extracting(p -> p.getMetadata().getName()).containsExactly("catalog");
    assertThat(lookup.namespaceLabels("nowhere")).isEqualTo(Map.of());
  }
}
