package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.e2e.harness.AdmissionRefusedException;
import io.cachemesh.e2e.harness.Conditions;
import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.RedisProcess;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 9: bad input end to end gets a clear refusal and changes nothing: an invalid policy at
 * admission (and in status when it got past admission), a malformed invalidation event on the
 * stream, a malformed HTTP request.
 */
@ExtendWith(E2eExtension.class)
class BadInputIT {
  private static final String POLICY = "strict";
  private static final String INVALID = Policies.policy(POLICY, """
      defaults:
        ttl: soon
      rules:
        - name: broken
          match:
            path:
              prefix: no-leading-slash
      """);
  private static E2eEnvironment env;
  private static Workload workload;
  private static List<SidecarProcess> replicas;
  private static SidecarProcess replica;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
    env.apply(Policies.brokered(env, POLICY, """
        defaults:
          ttl: 60s
        """));
    replicas = workload.scale(2);
    replica = replicas.getFirst();
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void invalidPolicyIsRefusedAtAdmissionWithEveryFieldPathAndChangesNothing() {
    CachePolicy before = env.policy(POLICY);
    assertThatThrownBy(() -> env.apply(INVALID))
        .isInstanceOfSatisfying(AdmissionRefusedException.class, refused -> assertThat(refused.code()).isEqualTo(422))
        .hasMessageContaining("spec.defaults.ttl")
        .hasMessageContaining("spec.rules[0]");
    // Not the resourceVersion: the operator writes status (pod counts, hit ratio) all along.
    CachePolicy after = env.policy(POLICY);
    assertThat(after.getSpec()).isEqualTo(before.getSpec());
    assertThat(after.getStatus().configHash()).isEqualTo(before.getStatus().configHash());
    assertThat(replica.configHash()).isEqualTo(before.getStatus().configHash());
  }

  @Test
  void invalidPolicyStoredPastAdmissionIsNotAcceptedAndItsStatusNamesTheFieldsWhileTheLastGoodConfigStays() {
    String goodHash = replica.configHash();
    env.applyPastAdmission(INVALID);
    Condition accepted = await("Accepted=False").atMost(Duration.ofSeconds(30))
        .until(() -> Conditions.of(env.policy(POLICY), "Accepted").orElse(null),
            c -> c != null && "False".equals(c.getStatus()));
    assertThat(accepted.getMessage()).contains("spec.defaults.ttl").contains("spec.rules[0]");
    CachePolicy policy = env.policy(POLICY);
    assertThat(policy.getStatus().configHash()).isEqualTo(goodHash);
    assertThat(env.client().configMaps().inNamespace(E2eEnvironment.NAMESPACE).withName(POLICY + "-cachemesh").get()
        .getMetadata().getAnnotations()).containsEntry("cachemesh.io/config-hash", goodHash);
    assertThat(replica.configHash()).isEqualTo(goodHash);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedEvents")
  void malformedEventIsSkippedAndCountedByEveryReplicaAndLaterEventsStillApply(String why, Map<String, String> fields) {
    String path = "/strict/" + why.replace(' ', '-');
    String cached = Fleet.warm(replicas, path);
    List<Double> malformed = replicas.stream().map(r -> r.brokerEvents("malformed")).toList();
    List<Double> applied = Fleet.applied(replicas);

    env.redis().xadd(RedisProcess.stream(POLICY), fields, 10_000, true);
    env.redis().xadd(RedisProcess.stream(POLICY), Map.of("v", "1", "tags", "page:" + path, "origin", "e2e"), 10_000, true);

    Fleet.awaitApplied(replicas, applied, 1);
    for (int i = 0; i < replicas.size(); i++) {
      assertThat(replicas.get(i).brokerEvents("malformed")).as(replicas.get(i).name()).isEqualTo(malformed.get(i) + 1);
      assertThat(replicas.get(i).brokerEvents("applied")).as(replicas.get(i).name()).isEqualTo(applied.get(i) + 1);
    }
    Fleet.assertEveryReplicaServesAFreshCopy(replicas, path, cached);
  }

  static Stream<Arguments> malformedEvents() {
    return Stream.of(
        Arguments.of("unknown version", Map.of("v", "2", "tags", "page:/strict/any")),
        Arguments.of("no version", Map.of("tags", "page:/strict/any")),
        Arguments.of("no target", Map.of("v", "1", "mode", "hard")),
        Arguments.of("relative path", Map.of("v", "1", "paths", "strict/relative")),
        Arguments.of("unknown mode", Map.of("v", "1", "tags", "page:/strict/any", "mode", "gentle")));
  }

  @Test
  void requestWithBothContentLengthAndTransferEncodingIsRefusedWith400AndNeverReachesTheApp() throws IOException {
    String request = "POST /smuggle HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: shop.example\r\n\r\n";
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), replica.proxyPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = readLine(in);
      assertThat(statusLine).startsWith("HTTP/1.1 400");
    }
    assertThat(env.origin().hits("/smuggle")).isZero();
    assertThat(env.origin().hits("/smuggled")).isZero();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != -1 && b != '\n' && line.length() < 1024; b = in.read()) {
      line.append((char) b);
    }
    return line.toString().strip();
  }
}
