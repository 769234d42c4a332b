package io.cachemesh.sidecar.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerSecretTest {
  @TempDir Path dir;

  @Test
  void readsTheMountedSecretFiles() throws IOException {
    Files.writeString(dir.resolve("url"), "rediss://redis.cache:6380/2\n");
    Files.writeString(dir.resolve("username"), "sidecar\n");
    Files.writeString(dir.resolve("password"), "pw\n");
    Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
    Files.writeString(dir.resolve("hmacKey"), "0123456789abcdef0123\n");

    BrokerSecret secret = BrokerSecret.read(dir);

    assertThat(secret.endpoint().toString()).isEqualTo("rediss://sidecar:***@redis.cache:6380/2");
    assertThat(secret.endpoint().caFile()).isEqualTo(dir.resolve("ca.crt"));
    assertThat(new String(secret.hmacKey(), StandardCharsets.UTF_8)).isEqualTo("0123456789abcdef0123");
    assertThat(secret.toString()).doesNotContain("0123456789abcdef").doesNotContain("pw");
  }

  @Test
  void aSecretVolumeIsReadFromTheVersionItsDataLinkNamesSoARotationNeverPairsOldAndNewFiles() throws IOException {
    Path old = Files.createDirectory(dir.resolve("..2026_11_23_1"));
    Files.writeString(old.resolve("url"), "redis://old:6379");
    Files.writeString(old.resolve("hmacKey"), "old-hmac-key-0123456789");
    Path current = Files.createDirectory(dir.resolve("..2026_11_23_2"));
    Files.writeString(current.resolve("url"), "redis://new:6379");
    Files.writeString(current.resolve("hmacKey"), "new-hmac-key-0123456789");
    Files.createSymbolicLink(dir.resolve("..data"), current.getFileName());
    // As a reader sees it mid-swap: the per-file links still lead to the old version.
    Files.createSymbolicLink(dir.resolve("url"), old.getFileName().resolve("url"));
    Files.createSymbolicLink(dir.resolve("hmacKey"), Path.of("..data", "hmacKey"));

    BrokerSecret secret = BrokerSecret.read(dir);

    assertThat(secret.endpoint().toString()).isEqualTo("redis://new:6379");
    assertThat(new String(secret.hmacKey(), StandardCharsets.UTF_8)).isEqualTo("new-hmac-key-0123456789");
    assertThat(secret.endpoint().caFile()).isNull();
  }

  @Test
  void aMissingFileIsNamed() throws IOException {
    Files.writeString(dir.resolve("url"), "redis://h:1");

    assertThatThrownBy(() -> BrokerSecret.read(dir)).hasMessageStartingWith("hmacKey: missing from the broker Secret");
  }

  @Test
  void aShortHmacKeyIsRefused() throws IOException {
    Files.writeString(dir.resolve("url"), "redis://h:1");
    Files.writeString(dir.resolve("hmacKey"), "short");

    assertThatThrownBy(() -> BrokerSecret.read(dir)).hasMessageStartingWith("hmacKey: must be at least 16 bytes, is 5");
  }

  @Test
  void standaloneReadsTheEnvironmentAndDecodesBase64Keys() {
    BrokerSecret secret = BrokerSecret.fromEnvironment(Map.of(
        BrokerSecret.ENV_URL, "redis://127.0.0.1:6379",
        BrokerSecret.ENV_HMAC_KEY, "base64:AAECAwQFBgcICQoLDA0ODw=="));

    assertThat(secret.hmacKey()).hasSize(16).startsWith(0, 1, 2);
    assertThatThrownBy(() -> BrokerSecret.fromEnvironment(Map.of(BrokerSecret.ENV_URL, "redis://h")))
        .hasMessageStartingWith("CACHEMESH_REDIS_HMAC_KEY: is not set");
    assertThatThrownBy(() -> BrokerSecret.fromEnvironment(Map.of()))
        .hasMessageStartingWith("CACHEMESH_REDIS_URL: is not set");
  }
}
