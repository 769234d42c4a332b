package io.cachemesh.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.yaml.PolicyYaml;
import io.cachemesh.operator.admission.AdmissionServer;
import io.cachemesh.operator.admission.WebhookClient;
import io.cachemesh.operator.admission.WebhookConfigurations;
import io.cachemesh.operator.certs.Pem;
import io.cachemesh.operator.certs.WebhookCertificates;
import io.cachemesh.operator.injection.InjectionFixtures;
import io.cachemesh.operator.policy.Conditions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator process as {@link Main} assembles it, from flags: reconcilers and webhooks in one
 * process, against the mock API server in CRUD mode with the CRDs and the webhook configurations the
 * chart would create. Clients trust only the CA found in the Secret the operator wrote.
 */
class OperatorProcessIT {
  private static final String OPERATOR_NS = "cachemesh-system";
  private static final String SERVICE_DNS = "cachemesh-webhook." + OPERATOR_NS + ".svc";
  private static final String MUTATING = "cachemesh-sidecar-injector";
  private static final String VALIDATING = "cachemesh-validation";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static MockCluster cluster;
  private static KubernetesClient client;
  private static OperatorProcess process;
  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** What the chart passes, plus what a test needs: a free port, a fixed cluster version, one replica's lease. */
  private static OperatorSettings replica(String identity) {
    return OperatorSettings.parse(new String[] {
        "--webhook-port=0", "--webhook-namespace=" + OPERATOR_NS, "--kubernetes-version=1.33",
        "--sidecar-image=ghcr.io/cachemesh/sidecar:" + Fixtures.SIDECAR_VERSION,
        "--metrics-port=-1", "--heartbeat-interval=300ms", "--retry-initial=200ms", "--retry-max=1s",
        "--leader-election-namespace=" + OPERATOR_NS, "--identity=" + identity, "--exit-on-lost-lease=false"}, Map.of());
  }

  @BeforeAll
  static void startOperator() throws IOException {
    cluster = new MockCluster();
    client = cluster.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(OPERATOR_NS).endMetadata().build()).create();
    WebhookConfigurations.create(client, "cachemesh-webhook", OPERATOR_NS, MUTATING, VALIDATING);
    process = OperatorProcess.start(client, replica("replica-a"), REGISTRY, Clock.systemUTC(), "127.0.0.1");
  }

  @AfterAll
  static void stopOperator() {
    if (process != null) {
      process.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void startingCreatesTheCertificateSecretAndPatchesEveryCaBundle() throws Exception {
    Secret secret = secret();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsKeys(WebhookCertificates.CA_CRT, WebhookCertificates.TLS_CRT, WebhookCertificates.TLS_KEY);
    String bundle = secret.getData().get(WebhookCertificates.CA_CRT);

    assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(MUTATING).get().getWebhooks())
        .singleElement().satisfies(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(bundle));
    assertThat(client.admissionRegistration().v1().validatingWebhookConfigurations().withName(VALIDATING).get().getWebhooks())
        .hasSize(2).allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(bundle));
    assertThat(https().serverCertificate(uri(process, "/")).getSubjectAlternativeNames())
        .anySatisfy(name -> assertThat(name.get(1)).isEqualTo(SERVICE_DNS));
    Await.upTo10s().until(process::isReady);
  }

  @Test
  void podAnnotatedForACompiledPolicyIsInjectedWithItsConfigHashAndThenCountsAsInSync() throws Exception {
    client.resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.policy("catalog", null, null, null)).create();
    String hash = Await.upTo10s().until(() -> configHash("catalog"), h -> h != null);
    Pod pod = InjectionFixtures.pod("""
        metadata: {name: web-1, namespace: shop, labels: {app: web}, annotations: {cachemesh.io/policy: catalog}}
        spec:
          containers:
          - name: app
            image: shop/web:1
            ports: [{name: http, containerPort: 8080}]
            readinessProbe: {httpGet: {path: /ready, port: http}}
        """);

    // The webhook's policy informer may see the new policy a moment after the reconciler did.
    JsonNode response = Await.upTo10s().until(
        () -> https().review(uri(process, AdmissionServer.MUTATE_PODS), WebhookClient.request("u1", "Pod", "CREATE", "shop", pod, null)),
        r -> r.path("allowed").asBoolean() && r.has("patch"));
    Pod injected = InjectionFixtures.JSON.convertValue(JsonPatch.apply(
        MAPPER.readTree(Base64.getDecoder().decode(response.path("patch").asText())), InjectionFixtures.tree(pod)), Pod.class);

    Container sidecar = injected.getSpec().getInitContainers().getFirst();
    assertThat(sidecar.getName()).isEqualTo(PodContract.SIDECAR_CONTAINER);
    assertThat(sidecar.getRestartPolicy()).as("native sidecar on 1.33").isEqualTo("Always");
    assertThat(sidecar.getImage()).isEqualTo("ghcr.io/cachemesh/sidecar:" + Fixtures.SIDECAR_VERSION);
    assertThat(injected.getMetadata().getAnnotations())
        .containsEntry(PodContract.CONFIG_HASH_ANNOTATION, hash)
        .containsEntry(PodContract.SIDECAR_VERSION_ANNOTATION, Fixtures.SIDECAR_VERSION);

    client.pods().inNamespace(MockCluster.NAMESPACE).resource(injected).create();
    Await.upTo10s().untilAsserted(() -> {
      var status = policy("catalog").getStatus();
      assertThat(status.inSyncPods()).isEqualTo(1);
      assertThat(status.outdatedPods()).isZero();
      assertThat(Conditions.find(status.conditions(), Conditions.READY).getReason()).isEqualTo("AllPodsInSync");
    });
  }

  @Test
  void invalidPolicyIsRefusedAtAdmissionWithTheFieldPaths() throws Exception {
    CachePolicy invalid = PolicyYaml.readPolicy("""
        apiVersion: cachemesh.io/v1alpha1
        kind: CachePolicy
        metadata: {name: broken, namespace: shop}
        spec:
          upstream: {port: http}
          rules:
            - {name: Bad_Name, ttl: 1x}
        """);

    JsonNode response = https().review(uri(process, AdmissionServer.VALIDATE_POLICIES),
        WebhookClient.request("u2", "CachePolicy", "CREATE", "shop", invalid, null));

    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("status").path("code").asInt()).isEqualTo(422);
    assertThat(response.path("status").path("message").asText())
        .startsWith("CachePolicy shop/broken is invalid: ").contains("spec.rules[0].name: ").contains("; spec.rules[0].ttl: ");
  }

  @Test
  void secondReplicaServesTheSameCertificateAndStopsGracefully() throws Exception {
    String bundle = secret().getData().get(WebhookCertificates.CA_CRT);
    X509Certificate served = https().serverCertificate(uri(process, "/"));
    KubernetesClient secondClient = cluster.newClient();
    OperatorProcess second = OperatorProcess.start(secondClient, replica("replica-b"),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), "127.0.0.1");
    URI secondUri = uri(second, AdmissionServer.VALIDATE_POLICIES);
    try {
      assertThat(https().serverCertificate(secondUri)).isEqualTo(served);
      assertThat(secret().getData().get(WebhookCertificates.CA_CRT)).as("no second CA").isEqualTo(bundle);
      JsonNode response = https().review(secondUri, WebhookClient.request("u3", "CachePolicy", "CREATE", "shop",
          Fixtures.policy("fine", null, null, null), null));
      assertThat(response.path("allowed").asBoolean()).isTrue();
    } finally {
      second.close();
      secondClient.close();
    }
    assertThatThrownBy(() -> https().serverCertificate(secondUri)).isInstanceOf(ConnectException.class);
    assertThat(https().serverCertificate(uri(process, "/"))).as("the first replica still serves").isEqualTo(served);
  }

  @Test
  void serviceTargetingTheAppPortByNumberIsReportedOnceWithTheFixUntilFixed() {
    client.resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.policy("blog", Map.of("app", "blog"), null, null)).create();
    client.pods().inNamespace(MockCluster.NAMESPACE).resource(InjectionFixtures.pod("""
        metadata: {name: blog-1, namespace: shop, labels: {app: blog}}
        spec:
          containers:
          - {name: app, image: shop/blog:1, ports: [{name: http, containerPort: 8080}]}
        """)).create();
    client.services().inNamespace(MockCluster.NAMESPACE).resource(new ServiceBuilder()
        .withNewMetadata().withName("blog").withNamespace(MockCluster.NAMESPACE).endMetadata()
        .withNewSpec().withSelector(Map.of("app", "blog"))
        .addNewPort().withName("web").withPort(80).withTargetPort(new IntOrString(8080)).endPort().endSpec().build()).create();

    Await.upTo10s().untilAsserted(() -> assertThat(
        Conditions.find(policy("blog").getStatus().conditions(), Conditions.SERVICES_REACH_SIDECAR)).satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo("NumericTargetPort");
          assertThat(c.getMessage()).contains("Service blog port web targets port 8080 by number").endsWith("use targetPort: http");
        }));
    Await.upTo10s().untilAsserted(() -> assertThat(events("blog", "NumericTargetPort")).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("Service blog").contains("use targetPort: http")));
    double before = reconcileCount();
    Await.upTo10s().until(() -> reconcileCount() >= before + 3);
    assertThat(events("blog", "NumericTargetPort")).as("recorded once, not at every reconcile").hasSize(1);

    Await.retrying(() -> client.services().inNamespace(MockCluster.NAMESPACE).withName("blog")
        .edit(s -> new ServiceBuilder(s).editSpec().editFirstPort().withTargetPort(new IntOrString("http")).endPort().endSpec().build()));
    Await.upTo10s().untilAsserted(() -> assertThat(
        Conditions.find(policy("blog").getStatus().conditions(), Conditions.SERVICES_REACH_SIDECAR)).isNull());
  }

  private static double reconcileCount() {
    return REGISTRY.find("cachemesh_operator_reconciles").tag("kind", "CachePolicy").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  private static List<Event> events(String policy, String reason) {
    return new ArrayList<>(client.v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && policy.equals(e.getInvolvedObject().getName())).toList());
  }

  private static CachePolicy policy(String name) {
    return client.resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE).withName(name).get();
  }

  private static String configHash(String policy) {
    ConfigMap map = client.configMaps().inNamespace(MockCluster.NAMESPACE).withName(policy + "-cachemesh").get();
    return map == null ? null : map.getMetadata().getAnnotations().get(PodContract.CONFIG_HASH_ANNOTATION);
  }

  private static Secret secret() {
    return client.secrets().inNamespace(OPERATOR_NS).withName("cachemesh-webhook-tls").get();
  }

  /** A client trusting only the CA bundle in the Secret, and checking the webhook Service's name. */
  private static WebhookClient https() throws Exception {
    List<X509Certificate> ca = Pem.readCertificates(Base64.getDecoder().decode(secret().getData().get(WebhookCertificates.CA_CRT)));
    return new WebhookClient(ca, SERVICE_DNS);
  }

  private static URI uri(OperatorProcess replica, String path) {
    return URI.create("https://127.0.0.1:" + replica.webhookAddress().getPort() + path);
  }
}
