package io.cachemesh.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.redis.testing.MutableClock;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookCertificatesTest {
  private static final List<String> NAMES = List.of("hook.ns.svc", "hook.ns.svc.cluster.local");

  @Test
  void secretDataRoundTripsIncludingPreviousCas() throws Exception {
    WebhookCertificates first = RotationPolicyTest.issued(NAMES);
    WebhookCertificates second = RotationPolicyTest.issued(NAMES);
    WebhookCertificates rotated = new WebhookCertificates(second.caKey(), second.ca(), List.of(first.ca()), second.leafKey(), second.leaf());
    WebhookCertificates read = WebhookCertificates.fromSecretData(rotated.toSecretData());
    assertThat(read.caBundle()).containsExactly(second.ca(), first.ca());
    assertThat(read.leaf()).isEqualTo(second.leaf());
    assertThat(read.leafKey().getEncoded()).isEqualTo(second.leafKey().getEncoded());
    assertThat(read.caKey().getEncoded()).isEqualTo(second.caKey().getEncoded());
  }

  @Test
  void leafCarriesTheServiceNamesAndIsSignedByTheCa() throws Exception {
    WebhookCertificates certs = RotationPolicyTest.issued(NAMES);
    certs.leaf().verify(certs.ca().getPublicKey());
    assertThat(certs.leaf().getSubjectAlternativeNames().stream().map(e -> (Object) e.get(1)).toList()).containsExactlyElementsOf(List.<Object>copyOf(NAMES));
    assertThat(certs.ca().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(certs.leaf().getBasicConstraints()).isEqualTo(-1);
    assertThat(certs.leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void missingOrBrokenKeysAreNamed() {
    Map<String, String> data = new HashMap<>(RotationPolicyTest.issued(NAMES).toSecretData());
    data.remove(WebhookCertificates.TLS_KEY);
    assertThatThrownBy(() -> WebhookCertificates.fromSecretData(data)).isInstanceOf(IOException.class).hasMessageContaining("tls.key");
    data.put(WebhookCertificates.TLS_KEY, "!!!");
    assertThatThrownBy(() -> WebhookCertificates.fromSecretData(data)).isInstanceOf(IOException.class).hasMessageContaining("tls.key");
  }

  @Test
  void certManagerStyleSec1KeysAreReadAndDirectoryChangesAreReloaded(@TempDir Path dir) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    CertificateIssuer issuer = new CertificateIssuer(clock);
    CertificateIssuer.Issued ca = issuer.certificateAuthority("ca", Duration.ofDays(90));
    CertificateIssuer.Issued first = issuer.leaf(ca, NAMES, Duration.ofDays(30));
    writeSec1(dir, first);
    CertDirectoryReloader reloader = CertDirectoryReloader.open(dir);
    assertThat(reloader.serving().current().leaf()).isEqualTo(first.certificate());
    assertThat(reloader.reloadIfChanged()).isFalse();

    CertificateIssuer.Issued second = issuer.leaf(ca, NAMES, Duration.ofDays(30));
    Files.writeString(dir.resolve("tls.crt"), Pem.certificates(List.of(second.certificate())));
    assertThat(reloader.reloadIfChanged()).as("a crt without its key is not served").isFalse();
    assertThat(reloader.serving().current().leaf()).isEqualTo(first.certificate());

    writeSec1(dir, second);
    assertThat(reloader.reloadIfChanged()).isTrue();
    assertThat(reloader.serving().current().leaf()).isEqualTo(second.certificate());
  }

  private static void writeSec1(Path dir, CertificateIssuer.Issued issued) throws IOException {
    // SEC1 with the curve named inside, as Go's x509.MarshalECPrivateKey (cert-manager) writes it.
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(issued.keys().getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
    StringWriter key = new StringWriter();
    try (PemWriter writer = new PemWriter(key)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }
    assertThat(key.toString()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    Files.writeString(dir.resolve("tls.key"), key.toString(), StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("tls.crt"), Pem.certificates(List.of(issued.certificate())));
  }
}
