package io.cachemesh.operator.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM in and out. Keys are written as PKCS#8; read as PKCS#8 or the SEC1/PKCS#1 forms cert-manager
 * writes. Conversion uses the JDK's providers (BouncyCastle is not registered as a JCA provider).
 */
public final class Pem {
  private Pem() {}

  public static String certificates(List<X509Certificate> certificates) {
    return write(certificates.toArray());
  }

  public static String privateKey(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a private key", e);
    }
  }

  public static List<X509Certificate> readCertificates(byte[] pem) throws IOException {
    try {
      List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).stream().map(X509Certificate.class::cast).toList();
      if (certificates.isEmpty()) {
        throw new IOException("no certificate in PEM");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IOException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  public static PrivateKey readPrivateKey(byte[] pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, java.nio.charset.StandardCharsets.US_ASCII)))) {
      // PEMParser reads PEM text into ASN.1 structures; nothing here is Java deserialization.
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (object) {
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        // SEC1 keys may omit the public key, so only the private part is converted.
        case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
        case null -> throw new IOException("no private key in PEM");
        default -> throw new IOException("unsupported PEM object " + object.getClass().getSimpleName());
      };
    }
  }

  private static String write(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }
}
