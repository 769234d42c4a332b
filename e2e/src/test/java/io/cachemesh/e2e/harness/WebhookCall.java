package io.cachemesh.e2e.harness;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * One call of the API server to a webhook Service: HTTPS to the address the Service resolves to,
 * trusting only the configuration's {@code caBundle} and requiring the serving certificate to name
 * {@code <service>.<namespace>.svc}, as the API server does. The default trust store is not used,
 * so a webhook serving a certificate its bundle does not cover fails here as it would in a cluster.
 */
final class WebhookCall {
  private static final int DNS_NAME = 2;

  private WebhookCall() {}

  /** POSTs {@code json} and returns the body of a 200 answer; anything else throws with the status and body. */
  static String post(InetSocketAddress endpoint, String serviceDnsName, String path, String caBundleBase64,
      Duration timeout, String json) {
    if (caBundleBase64 == null || caBundleBase64.isBlank()) {
      throw new IllegalStateException("webhook " + serviceDnsName + path + " has no caBundle: the operator has not patched it");
    }
    SSLContext tls = trusting(Base64.getDecoder().decode(caBundleBase64));
    try {
      URI uri = URI.create("https://" + endpoint.getHostString() + ":" + endpoint.getPort() + path + "?timeout="
          + timeout.toSeconds() + "s");
      HttpsURLConnection connection = (HttpsURLConnection) uri.toURL().openConnection();
      connection.setSSLSocketFactory(tls.getSocketFactory());
      // The address is the Service's endpoint; the identity checked is the Service's DNS name.
      connection.setHostnameVerifier((host, session) -> names(session).contains(serviceDnsName));
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setRequestProperty("Accept", "application/json");
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      connection.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body);
      }
      int status = connection.getResponseCode();
      try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (status != 200) {
          throw new IllegalStateException("webhook " + serviceDnsName + path + " answered " + status + ": " + answer);
        }
        return answer;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("webhook " + serviceDnsName + path + " at " + endpoint + " failed", e);
    }
  }

  private static SSLContext trusting(byte[] caBundlePem) {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      Collection<? extends java.security.cert.Certificate> cas = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(caBundlePem));
      int n = 0;
      for (java.security.cert.Certificate ca : cas) {
        trusted.setCertificateEntry("ca-" + n++, ca);
      }
      if (n == 0) {
        throw new IllegalStateException("caBundle holds no certificate");
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("caBundle is not usable: " + e.getMessage(), e);
    }
  }

  private static List<String> names(SSLSession session) {
    try {
      X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      return sans == null ? List.of() : sans.stream()
          .filter(san -> ((Integer) san.get(0)) == DNS_NAME)
          .map(san -> (String) san.get(1))
          .toList();
    } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
      return List.of();
    }
  }
}
