package io.cachemesh.operator.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cert-manager mode: serves {@code tls.crt} and {@code tls.key} from a mounted Secret directory and
 * reloads them when their content changes. Polls content rather than watching files, because the
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
    return new TlsIdentity(
        Pem.readPrivateKey(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_KEY))),
        Pem.readCertificates(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_CRT))));
  }

  private static byte[] digest(Path directory) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_CRT)));
      sha.update(Files.readAllBytes(directory.resolve(WebhookCertificates.TLS_KEY)));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
