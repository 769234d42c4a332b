package io.cachemesh.operator.admission;

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
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS client as the API server is one: it trusts only the given CAs and checks that the server
 * presents the webhook Service's DNS name (the test connects to a loopback address, not to that name).
 */
final class WebhookClient {
  record Response(int status, String body) {}

  private final SSLContext ssl;
  private final String serviceName;

  WebhookClient(List<X509Certificate> trustedCas, String serviceName) throws GeneralSecurityException, IOException {
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

  Response send(String method, URI uri, String body) throws IOException {
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

  Response post(URI uri, String body) throws IOException {
    return send("POST", uri, body);
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
