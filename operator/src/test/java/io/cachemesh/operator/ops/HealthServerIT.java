package io.cachemesh.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.operator.Await;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.MockCluster;
import io.cachemesh.operator.RunningOperator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private MockCluster cluster;
  private RunningOperator operator;
  private HealthServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    http.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessFollowsTheSupplierWhileHealthIsAlwaysOk() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    server = new HealthServer(0, ready::get,
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)).start();

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
    ready.set(true);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsExposeReconcileOutcomesAndJosdkMetricsOfARunningOperator() throws Exception {
    cluster = new MockCluster();
    operator = RunningOperator.start(cluster.client());
    server = new HealthServer(0, operator.operator()::isReady, operator.registry()).start();
    cluster.client().resources(CachePolicy.class).inNamespace(MockCluster.NAMESPACE)
        .resource(Fixtures.policy("catalog", Map.of("app", "shop"), null, null)).create();
    Await.upTo10s().until(() -> operator.reconciles("CachePolicy") > 0);

    HttpResponse<String> metrics = get("/metrics");

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("cachemesh_operator_reconciles_total{kind=\"CachePolicy\",result=\"accepted\"}")
        .contains("cachemesh_operator_publish_failures_total")
        .contains("cachemesh_operator_broker_read_failures_total")
        .contains("operator_sdk_");
  }
}
