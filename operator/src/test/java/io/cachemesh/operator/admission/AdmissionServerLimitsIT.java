package io.cachemesh.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.operator.certs.CertificateIssuer;
import io.cachemesh.operator.certs.ServingTls;
import io.cachemesh.operator.certs.WebhookCertificates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP edges of the server, with a tiny body limit: no API server needed. */
class AdmissionServerLimitsIT {
  private static final String NAME = "hook.test.svc";
  private static final int LIMIT = 1024;
  private static final String REVIEW = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
      + "\"request\":{\"uid\":\"abc\",\"operation\":\"CREATE\",\"namespace\":\"ns\",\"object\":{}}}";

  private AdmissionServer server;
  private WebhookClient client;

  @BeforeEach
  void start() throws Exception {
    WebhookCertificates certificates = new CertificateIssuer(Clock.systemUTC())
        .webhookCertificates("test-ca", List.of(NAME), Duration.ofDays(1), Duration.ofDays(1), List.of());
    ServingTls tls = new ServingTls(certificates.identity());
    AdmissionHandler refuseBadObjects = request -> {
      if (request.getObject() == null) {
        throw new MalformedReviewException("request.object is required");
      }
      return AdmissionReviews.allow(List.of("seen " + request.getNamespace()));
    };
    server = new AdmissionServer(new InetSocketAddress("127.0.0.1", 0), tls.sslContext(),
        Map.of("/review", refuseBadObjects, "/bug", request -> {
          throw new IllegalStateException("a bug");
        }), LIMIT).start();
    client = new WebhookClient(List.of(certificates.ca()), NAME);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI review() {
    return URI.create("https://127.0.0.1:" + server.address().getPort() + "/review");
  }

  @Test
  void bodyOverTheLimitGets413() throws Exception {
    WebhookClient.Response response = client.post(review(), "{\"pad\":\"" + "x".repeat(LIMIT) + "\"}");
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.body()).contains(String.valueOf(LIMIT));
  }

  @Test
  void handlerRefusalOfTheContentIs400AndAValidReviewEchoesTheUidWithWarnings() throws Exception {
    WebhookClient.Response bad = client.post(review(), REVIEW.replace(",\"object\":{}", ""));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("request.object is required");
    WebhookClient.Response good = client.post(review(), REVIEW);
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.body()).contains("\"uid\":\"abc\"").contains("\"allowed\":true").contains("seen ns");
  }

  @Test
  void aHandlerBugIsA500AndTheServerKeepsServing() throws Exception {
    URI bug = URI.create("https://127.0.0.1:" + server.address().getPort() + "/bug");
    WebhookClient.Response response = client.post(bug, REVIEW);
    assertThat(response.status()).isEqualTo(500);
    assertThat(response.body()).contains("IllegalStateException").doesNotContain("at io.");
    assertThat(client.post(review(), REVIEW).status()).isEqualTo(200);
  }

  @Test
  void emptyBodyIs400() throws Exception {
    WebhookClient.Response response = client.post(review(), "");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("not a JSON object");
  }
}
