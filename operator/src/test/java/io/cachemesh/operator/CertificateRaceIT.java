package io.cachemesh.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.operator.certs.CertificateManager;
import io.cachemesh.operator.certs.CertificateSettings;
import io.cachemesh.operator.certs.WebhookCertificates;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas writing the webhook certificate Secret at once: the loser of the race meets 409,
 * re-reads and adopts the winner's certificates. The race is made deterministic by answering the
 * loser's first read with what it would have seen a moment earlier.
 */
class CertificateRaceIT {
  private static final String NS = "cachemesh-system";
  private static final String PATH = "/api/v1/namespaces/" + NS + "/secrets/" + CertificateSettings.DEFAULT_SECRET;
  private final MockCluster cluster = new MockCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private CertificateManager replica() {
    return new CertificateManager(cluster.newClient(),
        CertificateSettings.generated("cachemesh-webhook", NS, List.of(), List.of()), Clock.systemUTC());
  }

  private Secret stored() {
    return cluster.client().secrets().inNamespace(NS).withName(CertificateSettings.DEFAULT_SECRET).get();
  }

  @Test
  void replicaThatFindsTheSecretCreatedMeanwhileAdoptsItInsteadOfASecondCa() {
    WebhookCertificates winner = replica().ensure();
    String resourceVersion = stored().getMetadata().getResourceVersion();
    // The loser read before the winner created: not found.
    cluster.server().expect().get().withPath(PATH).andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build()).once();

    WebhookCertificates loser = replica().ensure();

    assertThat(loser.ca()).isEqualTo(winner.ca());
    assertThat(loser.leaf()).isEqualTo(winner.leaf());
    assertThat(stored().getMetadata().getResourceVersion()).as("the loser wrote nothing").isEqualTo(resourceVersion);
  }

  @Test
  void replicaRenewingFromAStaleReadAdoptsTheNewerSecret() {
    WebhookCertificates winner = replica().ensure();
    Secret current = stored();
    // The loser read an older, unusable version: it would reissue, but its update carries the old resourceVersion.
    Secret stale = new SecretBuilder(current).editMetadata().withResourceVersion(olderThan(current)).endMetadata()
        .withData(Map.of(WebhookCertificates.CA_CRT, "bm90IGEgY2VydA==")).build();
    cluster.server().expect().get().withPath(PATH).andReturn(200, stale).once();

    WebhookCertificates loser = replica().ensure();

    assertThat(loser.ca()).isEqualTo(winner.ca());
    assertThat(loser.leaf()).isEqualTo(winner.leaf());
    assertThat(stored().getMetadata().getResourceVersion()).isEqualTo(current.getMetadata().getResourceVersion());
  }

  private static String olderThan(Secret secret) {
    return String.valueOf(Long.parseLong(secret.getMetadata().getResourceVersion()) - 1);
  }
}
