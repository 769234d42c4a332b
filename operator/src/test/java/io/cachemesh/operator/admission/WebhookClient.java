package io.cachemesh.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachemesh.operator.injection.InjectionFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS client as the API server is one: it trusts only the given CAs and checks that the server
 * presents the webhook Service's DNS name (the test connects to a loopback address, not to that name).
 */
public final class WebhookClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public record Response(int status, String body) {}

  private final SSLContext ssl;
  private final String serviceName;

  public WebhookClient(List<X509Certificate> trustedCas, String serviceName) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < trustedCas.size(); i++) {
      trust.setCertificateEntry("ca" + i, trustedCas.get(i));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    this.ssl = SSLContext.getInstance("TLS");
    ssl.init(null, factory.getTrustManagers(), null);
    this.serviceName = serviceName;
  }

  public Response send(String method, URI uri, String body) throws IOException {
    HttpsURLConnection connection = (HttpsURLConnection) uri.toURL().openConnection();
    connection.setSSLSocketFactory(ssl.getSocketFactory());
    connection.setHostnameVerifier(this::presentsServiceName);
    connection.setRequestMethod(method);
    connection.setConnectTimeout(5_000);
    connection.setReadTimeout(10_000);
    if (body != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = connection.getResponseCode();
    try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
      return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      connection.disconnect();
    }
  }

  public Response post(URI uri, String body) throws IOException {
    return send("POST", uri, body);
  }

  /** Posts an AdmissionReview and returns its {@code response}, after checking the envelope is a v1 review. */
  public JsonNode review(URI uri, ObjectNode review) throws IOException {
    Response response = post(uri, MAPPER.writeValueAsString(review));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode body = MAPPER.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    assertThat(body.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(body.path("kind").asText()).isEqualTo("AdmissionReview");
    return body.path("response");
  }

  /** The leaf certificate the server presents in a handshake this client accepts. */
  public X509Certificate serverCertificate(URI uri) throws IOException {
    try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** An AdmissionReview v1 request as the API server sends it. */
  public static ObjectNode request(String uid, String kind, String operation, String namespace, Object object, Object oldObject) {
    ObjectNode review = MAPPER.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", uid);
    boolean core = kind.equals("Pod");
    request.putObject("kind").put("group", core ? "" : "cachemesh.io").put("version", core ? "v1" : "v1alpha1").put("kind", kind);
    request.put("operation", operation);
    request.put("namespace", namespace);
    if (object != null) {
      request.set("object", InjectionFixtures.tree(object));
    }
    if (oldObject != null) {
      request.set("oldObject", InjectionFixtures.tree(oldObject));
    }
    return review;
  }

  private boolean presentsServiceName(String host, SSLSession session) {
    try {
      X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
      return leaf.getSubjectAlternativeNames() != null
          && leaf.getSubjectAlternativeNames().stream().anyMatch(e -> serviceName.equals(e.get(1)));
    } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
      return false;
    }
  }
}
