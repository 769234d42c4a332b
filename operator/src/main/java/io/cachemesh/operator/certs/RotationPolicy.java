package io.cachemesh.operator.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * When to renew, as a pure function of the stored certificates and the time. A certificate is renewed
 * once two thirds of its lifetime have passed, leaving a third of it for the new one to propagate
 * (and for retries when the API server is unreachable).
 */
public final class RotationPolicy {
  /** What to do with the stored certificates. */
  public enum Action {
    /** Valid and not due: keep them. */
    REUSE,
    /** The leaf is due, names other hosts or is not signed by the CA: issue a leaf from the current CA. */
    NEW_LEAF,
    /** The CA is due: a new CA and leaf; the old CA stays in the bundle until it expires. */
    NEW_CA,
    /** Nothing usable is stored: a new CA and leaf. */
    ISSUE
  }

  private RotationPolicy() {}

  public static Action decide(WebhookCertificates current, List<String> dnsNames, Instant now) {
    if (current == null) {
      return Action.ISSUE;
    }
    if (due(current.ca(), now)) {
      return Action.NEW_CA;
    }
    if (due(current.leaf(), now) || !signedBy(current.leaf(), current.ca()) || !names(current.leaf()).equals(Set.copyOf(dnsNames))) {
      return Action.NEW_LEAF;
    }
    return Action.REUSE;
  }

  /** Past two thirds of the lifetime (or not yet valid, or expired). */
  static boolean due(X509Certificate certificate, Instant now) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Duration lifetime = Duration.between(notBefore, notAfter);
    Instant renewAt = notBefore.plus(lifetime.multipliedBy(2).dividedBy(3));
    return now.isBefore(notBefore) || !now.isBefore(renewAt);
  }

  static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static Set<String> names(X509Certificate leaf) {
    Set<String> names = new HashSet<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> entry : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(entry.get(0))) {
            names.add((String) entry.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }
}
