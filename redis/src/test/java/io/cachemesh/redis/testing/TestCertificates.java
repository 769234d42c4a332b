package io.cachemesh.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA and a server certificate for 127.0.0.1, as PEM files redis-server reads. */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey) {
  public static TestCertificates create(Path dir, String caName) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      KeyPair ca = generator.generateKeyPair();
      KeyPair server = generator.generateKeyPair();
      X500Name caSubject = new X500Name("CN=" + caName);
      Instant now = Instant.now();
      X509Certificate caCert = sign(new JcaX509v3CertificateBuilder(caSubject, BigInteger.ONE,
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), caSubject, ca.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), ca);
      X509Certificate serverCert = sign(new JcaX509v3CertificateBuilder(caSubject, BigInteger.TWO,
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
          new X500Name("CN=127.0.0.1"), server.getPublic())
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                  new GeneralName(GeneralName.dNSName, "localhost")})), ca);
      TestCertificates files = new TestCertificates(dir.resolve(caName + "-ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"));
      write(files.caCert, caCert);
      write(files.serverCert, serverCert);
      // PKCS#8 "PRIVATE KEY": what every OpenSSL version redis-server may link reads.
      Files.writeString(files.serverKey, "-----BEGIN PRIVATE KEY-----\n"
          + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(server.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
      return files;
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create test certificates", e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static void write(Path file, Object pem) {
    try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
