package io.cachemesh.operator.broker;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A broker Secret parsed: {@code url} ({@code redis://host:port/db} or {@code rediss://} for TLS),
 * optional {@code username} and {@code password} (they override the URL's user info), optional
 * {@code ca.crt} (PEM, trusted for TLS instead of the JVM's defaults).
 */
public record BrokerSettings(String host, int port, int database, boolean tls, String username, String password, String caPem) {
  public static final int DEFAULT_PORT = 6379;

  @Override
  public String toString() {
    // Never the password.
    return (tls ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
  }

  /**
   * @param data the Secret's data, base64-encoded as the API returns it
   * @throws IllegalArgumentException naming the key and the reason
   */
  public static BrokerSettings fromSecretData(Map<String, String> data) {
    Map<String, String> values = data == null ? Map.of() : data;
    String url = decode(values, "url");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("url: is required");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url: is not a URI (" + e.getReason() + ")");
    }
    boolean tls = switch (String.valueOf(uri.getScheme())) {
      case "redis" -> false;
      case "rediss" -> true;
      default -> throw new IllegalArgumentException("url: scheme '" + uri.getScheme()
          + "' is not supported by the operator (use redis:// or rediss://)");
    };
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("url: has no host");
    }
    int database = 0;
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("url: path '" + path + "' is not a database index");
      }
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = parts[0].isEmpty() ? null : URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
    }
    String secretUser = decode(values, "username");
    String secretPassword = decode(values, "password");
    return new BrokerSettings(
        uri.getHost(),
        uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
        database,
        tls,
        secretUser != null ? secretUser : user,
        secretPassword != null ? secretPassword : password,
        decode(values, "ca.crt"));
  }

  /** Trusts exactly the certificates in {@code ca.crt}. */
  public SSLSocketFactory socketFactory() {
    if (caPem == null) {
      return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("ca.crt: is not a PEM certificate (" + e.getMessage() + ")");
    }
  }

  private static String decode(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(value.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": is not base64");
    }
  }
}
