package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scenario 7: a failing origin is covered by stale-if-error within the policy's window only; a slow one sees one request per key. */
@ExtendWith(E2eExtension.class)
class OriginFailureIT {
  private static final String POLICY = "fragile";
  private static E2eEnvironment env;
  private static Workload workload;
  private static SidecarProcess replica;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
    env.apply(Policies.policy(POLICY, """
        defaults:
          ttl: 60s
        rules:
          - name: fragile
            match:
              path:
                prefix: /fragile/
            ttl: 1s
            staleIfError: 3s
            precedence: Policy
        """));
    replica = workload.scale(1).getFirst();
  }

  @AfterEach
  void originHealthy() {
    env.origin().failing(false);
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void failingOriginIsCoveredByStaleIfErrorWithinTheWindowThenErrorsPassThrough() {
    HttpResponse<String> fresh = replica.get("/fragile/a");
    assertThat(fresh.headers().firstValue("Cache-Status").orElseThrow()).contains("stored");
    env.origin().failing(true);

    HttpResponse<String> stale = await("stale-if-error once the 1s ttl is over").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> replica.get("/fragile/a"),
            r -> r.headers().firstValue("Cache-Status").orElse("").contains("stale-if-error"));
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(fresh.body());

    // ttl 1s + staleIfError 3s: from 4s after storing, the origin's error reaches the client.
    HttpResponse<String> error = await("the origin's error once the stale-if-error window is over")
        .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> replica.get("/fragile/a"), r -> r.statusCode() != 200);
    assertThat(error.statusCode()).isEqualTo(503);
    assertThat(error.body()).doesNotContain(fresh.body());
  }

  @Test
  void concurrentRequestsForOneKeyReachASlowOriginOnce() {
    int clients = 12;
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      for (int i = 0; i < clients; i++) {
        responses.add(CompletableFuture.supplyAsync(() -> replica.get("/slow/coalesced?ms=1500"), pool));
      }
      List<HttpResponse<String>> done = responses.stream().map(CompletableFuture::join).toList();
      assertThat(done).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertThat(done.stream().map(HttpResponse::body).distinct()).hasSize(1);
    }
    assertThat(env.origin().hits("/slow/coalesced")).isEqualTo(1);
  }
}
