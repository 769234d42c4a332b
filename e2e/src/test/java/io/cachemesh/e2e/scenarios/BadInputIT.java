package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.e2e.harness.AdmissionRefusedException;
import io.cachemesh.e2e.harness.Conditions;
import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scenario 9: bad input end to end gets a clear refusal and changes nothing. */
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
  private static SidecarProcess replica;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
    env.apply(Policies.policy(POLICY, """
        defaults:
          ttl: 60s
        """));
    replica = workload.scale(1).getFirst();
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
    CachePolicy after = env.policy(POLICY);
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getSpec()).isEqualTo(before.getSpec());
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
