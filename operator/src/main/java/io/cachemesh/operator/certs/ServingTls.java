package io.cachemesh.operator.certs;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of TLS with a swappable identity: the SSLContext's key manager reads the current
 * key and certificate on every handshake, so {@link #update} takes effect for the next connection
 * without restarting the server. Established connections keep the identity they negotiated.
 */
public final class ServingTls {
  private static final String ALIAS_PREFIX = "cachemesh-webhook-";
  /**
   * The alias names the version, and the previous version stays resolvable: a handshake that chose
   * its alias just before an update still gets a key and chain that belong together.
   */
  private record Versioned(long version, TlsIdentity identity, Versioned previous) {
    String alias() {
      return ALIAS_PREFIX + version;
    }
  }

  private final AtomicReference<Versioned> current;
  private final SSLContext context;

  public ServingTls(TlsIdentity initial) {
    this.current = new AtomicReference<>(new Versioned(0, initial, null));
    try {
      this.context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new CurrentIdentityKeyManager()}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a TLS context", e);
    }
  }

  public SSLContext sslContext() {
    return context;
  }

  public TlsIdentity current() {
    return current.get().identity();
  }

  /** New handshakes present {@code identity}; cached sessions of the old one are dropped so none resumes. */
  public void update(TlsIdentity identity) {
    current.updateAndGet(old -> new Versioned(old.version() + 1, identity, new Versioned(old.version(), old.identity(), null)));
    SSLSessionContext sessions = context.getServerSessionContext();
    for (byte[] id : Collections.list(sessions.getIds())) {
      var session = sessions.getSession(id);
      if (session != null) {
        session.invalidate();
      }
    }
  }

  private final class CurrentIdentityKeyManager extends X509ExtendedKeyManager {
    private String aliasFor(String keyType) {
      Versioned now = current.get();
      String algorithm = now.identity().key().getAlgorithm();
      boolean matches = algorithm.equals(keyType) || ("RSA".equals(algorithm) && "RSASSA-PSS".equals(keyType));
      return matches ? now.alias() : null;
    }

    private TlsIdentity byAlias(String alias) {
      Versioned now = current.get();
      if (now.alias().equals(alias)) {
        return now.identity();
      }
      return now.previous() != null && now.previous().alias().equals(alias) ? now.previous().identity() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return aliasFor(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      String alias = aliasFor(keyType);
      return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      TlsIdentity identity = byAlias(alias);
      return identity == null ? null : identity.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      TlsIdentity identity = byAlias(alias);
      return identity == null ? null : identity.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
