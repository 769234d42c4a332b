package io.cachemesh.operator.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** What the webhook server presents in a TLS handshake: its key and certificate chain (leaf first). */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain) {
  public TlsIdentity {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: at least the leaf certificate is required");
    }
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }
}
