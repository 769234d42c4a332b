package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** ServiceMonitor/PodMonitor, the Grafana dashboard, the try-out Redis. */
class OptionalComponentsTest {
  private static final Pattern METRIC = Pattern.compile("\\b(cachemesh_[a-z_]+)");
  private static final Pattern SUFFIX = Pattern.compile("(_total|_seconds_bucket|_seconds|_bytes)$");

  @Test
  void monitoringScrapesTheOperatorAndEveryInjectedSidecar() {
    ChartRender render = ChartRender.of("monitoring");
    GenericKubernetesResource serviceMonitor = generic(render, "ServiceMonitor");
    GenericKubernetesResource podMonitor = generic(render, "PodMonitor");

    assertThat(serviceMonitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(serviceMonitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(render.text()).contains("- port: metrics", "- port: cachemesh-ops");
    assertThat(podMonitor.getAdditionalProperties().get("spec").toString()).contains("any=true");
  }

  @Test
  void otherSidecarPortsReachTheOperatorAndThePodMonitorFollowsThemByName() {
    ChartRender render = ChartRender.of("sidecar-ports");
    Container operator = render.one(Deployment.class, "cachemesh-operator").getSpec().getTemplate().getSpec()
        .getContainers().getFirst();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) generic(render, "PodMonitor").getAdditionalProperties().get("spec");

    assertThat(operator.getArgs()).contains("--sidecar-proxy-port=9080", "--sidecar-admin-port=9081", "--sidecar-ops-port=9082");
    // By name: the injector names the ops port cachemesh-ops whatever its number, so pods injected
    // before a port change are scraped too; a number would miss them.
    assertThat(spec.get("podMetricsEndpoints")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
        .isEqualTo(Map.of("port", "cachemesh-ops", "path", "/metrics", "interval", "30s"));
    assertThat(render.text()).doesNotContain("15080", "15081", "15082");
  }

  @Test
  void dashboardIsValidGrafanaJsonOverTheSidecarsMetrics() throws IOException {
    ConfigMap dashboard = ChartRender.of("monitoring").one(ConfigMap.class, "cachemesh-dashboard");
    JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("cachemesh.json"));

    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(json.get("uid").asText()).isEqualTo("cachemesh-overview");
    List<String> titles = json.get("panels").findValuesAsText("title");
    assertThat(titles).contains("Hit ratio", "Misses, bypasses and errors by reason", "Upstream latency",
        "Invalidation lag", "Memory tier bytes", "Memory tier entries", "Memory tier evictions");
    String exprs = String.join("\n", json.get("panels").findValuesAsText("expr"));
    assertThat(exprs).contains("cachemesh_requests_total", "histogram_quantile(0.99", "histogram_quantile(0.5",
        "cachemesh_upstream_duration_seconds_bucket", "cachemesh_invalidation_propagation_seconds_bucket",
        "cachemesh_memory_size_bytes", "cachemesh_memory_entries", "cachemesh_memory_evictions_total");
  }

  @Test
  void everyDashboardMetricIsOneTheSidecarRegisters() throws IOException {
    String exprs = Files.readString(Repository.CHART.resolve("files/dashboard.json"));
    String sources = sidecarSources();
    Set<String> metrics = new TreeSet<>();
    Matcher m = METRIC.matcher(exprs);
    while (m.find()) {
      metrics.add(SUFFIX.matcher(m.group(1)).replaceFirst(""));
    }

    assertThat(metrics).hasSizeGreaterThan(8);
    assertThat(metrics).allSatisfy(name ->
        assertThat(sources).as("meter %s in sidecar/src/main", name).containsAnyOf(name, name.replace('_', '.')));
  }

  @Test
  void redisRunsWithAuthFromTheValuesPasswordAndNeverPutsItOnACommandLine() {
    ChartRender render = ChartRender.of("redis");
    Secret secret = render.one(Secret.class, "cachemesh-redis");
    Secret broker = render.all(Secret.class).stream()
        .filter(s -> "shop".equals(s.getMetadata().getNamespace())).findFirst().orElseThrow();
    Container redis = render.one(Deployment.class, "cachemesh-redis").getSpec().getTemplate().getSpec()
        .getContainers().getFirst();

    assertThat(decode(secret, "password")).isEqualTo("s3cret-for-tests");
    assertThat(decode(broker, "password")).isEqualTo("s3cret-for-tests");
    assertThat(decode(broker, "url")).isEqualTo("redis://cachemesh-redis.cachemesh-system.svc:6379/0");
    assertThat(broker.getMetadata().getName()).isEqualTo("cachemesh-redis");
    // The sidecar refuses a broker Secret without an hmacKey of at least 16 bytes.
    assertThat(decode(broker, "hmacKey")).hasSize(64).doesNotContain("s3cret").isEqualTo(decode(secret, "hmacKey"));
    assertThat(redis.getCommand()).noneMatch(c -> c.contains("s3cret")).anyMatch(c -> c.contains("requirepass"));
    assertThat(redis.getEnv()).singleElement().satisfies(e ->
        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("cachemesh-redis"));
    assertThat(redis.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  void redisWithAnExistingSecretRendersNoSecretOfItsOwn() {
    ChartRender render = ChartRender.parse(new com.marcnuri.helm.Helm(Repository.CHART).template()
        .withName(ChartRender.RELEASE).withNamespace(ChartRender.NAMESPACE)
        .set("redis.enabled", "true").set("redis.existingSecret", "platform-redis").call());

    assertThat(render.all(Secret.class)).isEmpty();
    assertThat(render.one(Deployment.class, "cachemesh-redis").getSpec().getTemplate().getSpec().getContainers()
        .getFirst().getEnv().getFirst().getValueFrom().getSecretKeyRef().getName()).isEqualTo("platform-redis");
  }

  private static GenericKubernetesResource generic(ChartRender render, String kind) {
    List<HasMetadata> found = render.objects().stream().filter(o -> o.getKind().equals(kind)).toList();
    assertThat(found).as(kind).hasSize(1);
    return (GenericKubernetesResource) found.getFirst();
  }

  private static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static String sidecarSources() throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(Repository.ROOT.resolve("sidecar/src/main"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        out.append(Files.readString(f));
      }
    }
    return out.toString();
  }
}
