package io.cachemesh.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.operator.certs.CertDirectoryReloader;
import io.cachemesh.operator.certs.CertificateIssuer;
import io.cachemesh.operator.certs.Pem;
import io.cachemesh.operator.certs.WebhookCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** certManager mode: the server serves the mounted files and picks up new ones without restart. */
class CertManagerModeIT {
  private static final String NAME = "cachemesh-webhook.cachemesh-system.svc";
  private static final String REVIEW = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
      + "\"request\":{\"uid\":\"u\",\"operation\":\"DELETE\",\"namespace\":\"ns\"}}";
  private final CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC());
  private AdmissionServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void renewedFilesAreServedToNewConnectionsWithoutRestart(@TempDir Path mounted) throws Exception {
    WebhookCertificates first = issue();
    write(mounted, first);
    CertDirectoryReloader reloader = CertDirectoryReloader.open(mounted);
    server = new AdmissionServer(new InetSocketAddress("127.0.0.1", 0), reloader.serving().sslContext(),
        Map.of("/review", request -> AdmissionReviews.allow(List.of())), AdmissionServer.DEFAULT_MAX_BODY_BYTES).start();
    URI uri = URI.create("https://127.0.0.1:" + server.address().getPort() + "/review");
    assertThat(new WebhookClient(List.of(first.ca()), NAME).post(uri, REVIEW).status()).isEqualTo(200);

    WebhookCertificates renewed = issue();
    write(mounted, renewed);
    assertThat(reloader.reloadIfChanged()).isTrue();

    assertThat(new WebhookClient(List.of(renewed.ca()), NAME).post(uri, REVIEW).status()).isEqualTo(200);
    WebhookClient stale = new WebhookClient(List.of(first.ca()), NAME);
    assertThatThrownBy(() -> stale.post(uri, REVIEW)).isInstanceOf(SSLException.class);
  }

  @Test
  void filesNotSignedByTheMountedCaAreNeverServed(@TempDir Path mounted) throws Exception {
    WebhookCertificates first = issue();
    WebhookCertificates other = issue();
    write(mounted, first);
    Files.writeString(mounted.resolve("ca.crt"), Pem.certificates(List.of(other.ca())));
    assertThatThrownBy(() -> CertDirectoryReloader.open(mounted)).isInstanceOf(IOException.class)
        .hasMessage("tls.crt is not signed by ca.crt");

    write(mounted, first);
    CertDirectoryReloader reloader = CertDirectoryReloader.open(mounted);
    server = new AdmissionServer(new InetSocketAddress("127.0.0.1", 0), reloader.serving().sslContext(),
        Map.of("/review", request -> AdmissionReviews.allow(List.of())), AdmissionServer.DEFAULT_MAX_BODY_BYTES).start();
    URI uri = URI.create("https://127.0.0.1:" + server.address().getPort() + "/review");
    WebhookCertificates renewed = issue();
    write(mounted, renewed);
    Files.writeString(mounted.resolve("ca.crt"), Pem.certificates(List.of(first.ca())));

    assertThat(reloader.reloadIfChanged()).as("a half-updated directory keeps the current identity").isFalse();
    assertThat(new WebhookClient(List.of(first.ca()), NAME).serverCertificate(uri)).isEqualTo(first.leaf());
  }

  private WebhookCertificates issue() {
    return issuer.webhookCertificates("cert-manager-ca", List.of(NAME), Duration.ofDays(1), Duration.ofDays(1), List.of());
  }

  private static void write(Path dir, WebhookCertificates certificates) throws IOException {
    Files.writeString(dir.resolve("tls.key"), Pem.privateKey(certificates.leafKey()));
    Files.writeString(dir.resolve("tls.crt"), Pem.certificates(List.of(certificates.leaf(), certificates.ca())));
    Files.writeString(dir.resolve("ca.crt"), Pem.certificates(List.of(certificates.ca())));
  }
}
