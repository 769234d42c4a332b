package io.cachemesh.redis;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The CA certificates (PEM) a TLS Redis is verified against, instead of the JVM's trust store:
 * the broker Secret's {@code ca.crt}, from a mounted file (sidecar) or from the API (operator).
 *
 * @param source where the PEM came from, for error messages (a path, or {@code Secret ns/name})
 */
public record TrustedCa(byte[] pem, String source) {
  public TrustedCa {
    pem = pem.clone();
  }

  /** @throws IllegalArgumentException naming the file when it cannot be read */
  public static TrustedCa fromFile(Path file) {
    try {
      return new TrustedCa(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("ca.crt: " + file + " cannot be read: " + e.getMessage());
    }
  }

  @Override
  public byte[] pem() {
    return pem.clone();
  }

  /** @throws IllegalArgumentException when the PEM holds no certificate or is not PEM */
  public SSLSocketFactory socketFactory() {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
        store.setCertificateEntry("ca-" + index++, certificate);
      }
      if (index == 0) {
        throw new IllegalArgumentException("ca.crt: " + source + " holds no certificate");
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("ca.crt: " + source + " is not a PEM certificate: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TrustedCa that && Arrays.equals(pem, that.pem) && source.equals(that.source);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pem) * 31 + source.hashCode();
  }

  @Override
  public String toString() {
    return "TrustedCa[" + source + "]";
  }
}
