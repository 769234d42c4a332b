package io.cachemesh.sidecar.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.sidecar.shared.EntryEnvelope;
import io.cachemesh.sidecar.shared.RedisSharedStore;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.cachemesh.redis.testing.RedisTopologies;
import io.cachemesh.redis.testing.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rediss:// with the Secret's ca.crt: verified against that CA, refused (as a miss) against another. */
class RedisTlsIT {
  @TempDir static Path certificates;
  private static TestCertificates trusted;
  private static TestCertificates other;
  private static RedisProcess server;
  private static int tlsPort;

  @BeforeAll
  static void start() throws java.io.IOException {
    trusted = TestCertificates.create(certificates, "trusted");
    other = TestCertificates.create(java.nio.file.Files.createDirectories(certificates.resolve("other")), "other");
    tlsPort = RedisServers.freePort(false);
    server = RedisServers.start("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", trusted.serverCert().toString(), "--tls-key-file", trusted.serverKey().toString(),
        "--tls-ca-cert-file", trusted.caCert().toString(), "--tls-auth-clients", "no");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static RedisSharedStore store(RedisConnection connection, SimpleMeterRegistry registry) {
    return new RedisSharedStore(connection, new PolicyId("shop", "tls"), 1,
        new EntryEnvelope("tls-test-hmac-key-01234".getBytes(StandardCharsets.UTF_8), 1024), Clock.systemUTC(), registry);
  }

  @Test
  void aServerSignedByTheSecretsCaIsReachedOverTls() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisEndpoint endpoint = RedisEndpoint.parse("rediss://127.0.0.1:" + tlsPort, null, null, trusted.caCert());
    try (RedisConnection connection = new RedisConnection(endpoint, RedisTopologies.SETTINGS, Clock.systemUTC(), registry)) {
      RedisSharedStore store = store(connection, registry);

      assertThat(store.put("k", new byte[] {42}, 60_000, Set.of(), "/k")).isTrue();
      assertThat(store.get("k")).hasValueSatisfying(hit -> assertThat(hit.payload()).containsExactly(42));
    }
  }

  @Test
  void aServerNotSignedByTheSecretsCaIsNeverTalkedTo() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisEndpoint endpoint = RedisEndpoint.parse("rediss://127.0.0.1:" + tlsPort, null, null, other.caCert());
    try (RedisConnection connection = new RedisConnection(endpoint, RedisTopologies.SETTINGS, Clock.systemUTC(), registry)) {
      RedisSharedStore store = store(connection, registry);

      assertThat(store.put("k2", new byte[] {1}, 60_000, Set.of(), "/k2")).isFalse();
      assertThat(store.get("k2")).isEmpty();
      assertThat(registry.get("cachemesh.redis.errors").tag("op", "put").counters()).isNotEmpty();
    }
  }
}
