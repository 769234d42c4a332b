package io.cachemesh.operator.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The webhook's certificates as kept in the Secret {@code cachemesh-webhook-tls}: {@code ca.crt} (the
 * current CA first, then previous CAs kept while a rotation propagates), {@code ca.key},
 * {@code tls.crt} and {@code tls.key}.
 */
public record WebhookCertificates(
    PrivateKey caKey, X509Certificate ca, List<X509Certificate> previousCas, PrivateKey leafKey, X509Certificate leaf) {
  public static final String CA_CRT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CRT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  public WebhookCertificates {
    previousCas = List.copyOf(previousCas);
  }

  /** What goes into the webhook configurations' {@code caBundle}: every CA a client may need. */
  public List<X509Certificate> caBundle() {
    List<X509Certificate> bundle = new ArrayList<>();
    bundle.add(ca);
    bundle.addAll(previousCas);
    return bundle;
  }

  public String caBundlePem() {
    return Pem.certificates(caBundle());
  }

  public TlsIdentity identity() {
    return new TlsIdentity(leafKey, List.of(leaf));
  }

  /** The same certificates with the CAs expired at {@code now} dropped from the bundle. */
  public WebhookCertificates withoutExpiredCas(Instant now) {
    return new WebhookCertificates(caKey, ca, previousCas.stream()
        .filter(c -> c.getNotAfter().toInstant().isAfter(now)).toList(), leafKey, leaf);
  }

  /** The Secret's {@code data}, base64-encoded as the API expects. */
  public Map<String, String> toSecretData() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CRT, base64(caBundlePem()));
    data.put(CA_KEY, base64(Pem.privateKey(caKey)));
    data.put(TLS_CRT, base64(Pem.certificates(List.of(leaf))));
    data.put(TLS_KEY, base64(Pem.privateKey(leafKey)));
    return data;
  }

  /** @throws IOException naming the key that is missing or unreadable */
  public static WebhookCertificates fromSecretData(Map<String, String> data) throws IOException {
    List<X509Certificate> bundle = Pem.readCertificates(decode(data, CA_CRT));
    return new WebhookCertificates(
        Pem.readPrivateKey(decode(data, CA_KEY)),
        bundle.getFirst(),
        bundle.subList(1, bundle.size()),
        Pem.readPrivateKey(decode(data, TLS_KEY)),
        Pem.readCertificates(decode(data, TLS_CRT)).getFirst());
  }

  private static byte[] decode(Map<String, String> data, String key) throws IOException {
    String value = data == null ? null : data.get(key);
    if (value == null) {
      throw new IOException(key + " is missing");
    }
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IOException(key + " is not base64", e);
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
