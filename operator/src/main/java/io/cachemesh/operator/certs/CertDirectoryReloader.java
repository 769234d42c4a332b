package io.cachemesh.operator.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cert-manager mode: serves {@code tls.crt} and {@code tls.key} from a mounted Secret directory and
 * reloads them when their content changes; when {@code ca.crt} is there too (cert-manager's CA
 * issuer writes it), {@code tls.crt} must chain to it, or the files are not served. Polls content rather than watching files, because the
 * kubelet swaps a symlink to update a Secret volume and inotify on the files never fires.
 */
public final class CertDirectoryReloader {
  private static final Logger LOG = LoggerFactory.getLogger(CertDirectoryReloader.class);
  private final Path directory;
  private final ServingTls serving;
  private byte[] digest;

  private CertDirectoryReloader(Path directory, ServingTls serving, byte[] digest) {
    this.directory = directory;
    this.serving = serving;
    this.digest = digest;
  }

  /** Reads the directory once; fails when the files are missing or unreadable, so a misconfigured pod does not start. */
  public static CertDirectoryReloader open(Path directory) throws IOException {
    byte[] digest = digest(directory);
    return new CertDirectoryReloader(directory, new ServingTls(read(directory)), digest);
  }

  public ServingTls serving() {
    return serving;
  }

  /**
   * @return true when the files changed and the new identity is now served; a half-written or broken
   *     pair keeps the current identity and is retried on the next call
   */
  public synchronized boolean reloadIfChanged() {
    try {
      byte[] now = digest(directory);
      if (Arrays.equals(now, digest)) {
        return false;
      }
      serving.update(read(directory));
      digest = now;
      LOG.info("event=serving_certificate_reloaded source={} notAfter={}", directory,
          serving.current().leaf().getNotAfter().toInstant());
      return true;
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("event=serving_certificate_unreadable source={} reason=\"{}\" action=keep_current", directory, e.getMessage());
      return false;
    }
  }

  public ScheduledFuture<?> schedule(ScheduledExecutorService executor, Duration period) {
    return executor.scheduleWithFixedDelay(this::reloadIfChanged, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  static TlsIdentity read(Path directory) throws IOException {
    PrivateKey key = Pem.readPrivateKey(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_KEY)));
    List<X509Certificate> chain = Pem.readCertificates(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_CRT)));
    if (!belongTogether(key, chain.getFirst())) {
      // cert-manager writes the two keys of the Secret at once, but a reader can still see a mix.
      throw new IOException(WebhookCertificates.TLS_KEY + " does not match " + WebhookCertificates.TLS_CRT);
    }
    Path caFile = directory.resolve(WebhookCertificates.CA_CRT);
    if (Files.exists(caFile) && !chainsTo(chain, Pem.readCertificates(Files.readAllBytes(caFile)))) {
      // The caBundle cert-manager injects comes from ca.crt: a chain it does not trust would fail every review.
      throw new IOException(WebhookCertificates.TLS_CRT + " is not signed by " + WebhookCertificates.CA_CRT);
    }
    return new TlsIdentity(key, chain);
  }

  /** Each certificate of the chain is signed by the next, and the last by (or is) one of the CAs. */
  static boolean chainsTo(List<X509Certificate> chain, List<X509Certificate> cas) {
    for (int i = 0; i + 1 < chain.size(); i++) {
      if (!RotationPolicy.signedBy(chain.get(i), chain.get(i + 1))) {
        return false;
      }
    }
    X509Certificate last = chain.getLast();
    return cas.stream().anyMatch(ca -> ca.equals(last) || RotationPolicy.signedBy(last, ca));
  }


  static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    try {
      String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
      byte[] probe = "cachemesh".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] digest(Path directory) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_CRT)));
      sha.update(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_KEY)));
      Path ca = directory.resolve(WebhookCertificates.CA_CRT);
      if (Files.exists(ca)) {
        sha.update(Files.readAllBytes(ca));
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
