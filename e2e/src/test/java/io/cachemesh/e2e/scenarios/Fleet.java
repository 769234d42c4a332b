package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cachemesh.e2e.harness.SidecarProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Assertions on the replicas of one policy as a whole. */
final class Fleet {
  /** The bound within which an event the broker accepted must have been applied by every connected replica. */
  static final Duration PROPAGATION = Duration.ofSeconds(10);

  private Fleet() {}

  static String cacheStatus(HttpResponse<String> response) {
    return response.headers().firstValue("Cache-Status").orElseThrow();
  }

  /** GETs {@code path} twice on every replica so that each holds it in memory; returns the body they serve. */
  static String warm(List<SidecarProcess> replicas, String path) {
    String body = replicas.getFirst().get(path).body();
    for (SidecarProcess replica : replicas) {
      replica.get(path);
      HttpResponse<String> hit = replica.get(path);
      assertThat(cacheStatus(hit)).as(replica.name() + " " + path).contains("; hit;").contains("detail=memory");
      assertThat(hit.body()).isEqualTo(body);
    }
    return body;
  }

  /** What every replica has applied so far, to wait for more with {@link #awaitApplied}. */
  static List<Double> applied(List<SidecarProcess> replicas) {
    return replicas.stream().map(r -> r.brokerEvents("applied")).toList();
  }

  /** Waits until every replica has applied {@code more} events past {@code before}. */
  static void awaitApplied(List<SidecarProcess> replicas, List<Double> before, int more) {
    await("every replica applies " + more + " more event(s)").atMost(PROPAGATION).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          for (int i = 0; i < replicas.size(); i++) {
            assertThat(replicas.get(i).brokerEvents("applied")).as(replicas.get(i).name())
                .isGreaterThanOrEqualTo(before.get(i) + more);
          }
        });
  }

  /**
   * After an invalidation of {@code path} reached every replica: none serves {@code oldBody} again,
   * the first asked goes to the origin and the others share its fresh copy.
   */
  static void assertEveryReplicaServesAFreshCopy(List<SidecarProcess> replicas, String path, String oldBody) {
    HttpResponse<String> refetched = replicas.getFirst().get(path);
    assertThat(cacheStatus(refetched)).as(replicas.getFirst().name()).contains("fwd=uri-miss");
    for (SidecarProcess replica : replicas) {
      HttpResponse<String> next = replica.get(path);
      assertThat(next.body()).as(replica.name() + " " + path).isNotEqualTo(oldBody).isEqualTo(refetched.body());
    }
  }
}
