package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.redis.BrokerSecret;
import io.cachemesh.redis.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretWatcherTest {
  private static final String HMAC = "0123456789abcdef-hmac";

  @TempDir Path dir;

  @Test
  void anAtomicSymlinkSwapOfTheSecretIsSeenWithoutWaitingForThePoll() {
    MountedSecret secret = new MountedSecret(dir, Map.of("url", "redis://one:6379", "hmacKey", HMAC));
    AtomicInteger checks = new AtomicInteger();
    AtomicReference<String> seen = new AtomicReference<>();
    try (SecretWatcher watcher = new SecretWatcher(dir, () -> {
      seen.set(BrokerSecret.read(dir).endpoint().toString());
      checks.incrementAndGet();
    }, Duration.ofHours(1))) {
      watcher.start();

      secret.swap(Map.of("url", "redis://two:6379", "hmacKey", HMAC));

      Await.until(Duration.ofSeconds(10), "the swap noticed", () -> seen.get() != null && seen.get().contains("two"));
      assertThat(checks.get()).isPositive();
    }
  }

  @Test
  void withoutAnyChangeThePollStillChecks() {
    new MountedSecret(dir, Map.of("url", "redis://one:6379", "hmacKey", HMAC));
    AtomicInteger checks = new AtomicInteger();
    try (SecretWatcher watcher = new SecretWatcher(dir, checks::incrementAndGet, Duration.ofMillis(20))) {
      watcher.start();

      Await.until(Duration.ofSeconds(10), "two polls", () -> checks.get() >= 2);
    }
  }

  @Test
  void aFailingCheckDoesNotStopTheWatcher() {
    MountedSecret secret = new MountedSecret(dir, Map.of("url", "redis://one:6379", "hmacKey", HMAC));
    AtomicInteger checks = new AtomicInteger();
    try (SecretWatcher watcher = new SecretWatcher(dir, () -> {
      checks.incrementAndGet();
      throw new IllegalStateException("boom");
    }, Duration.ofHours(1))) {
      watcher.start();

      secret.swap(Map.of("url", "redis://two:6379", "hmacKey", HMAC));
      Await.until(Duration.ofSeconds(10), "first check", () -> checks.get() >= 1);
      int before = checks.get();
      secret.swap(Map.of("url", "redis://three:6379", "hmacKey", HMAC));

      Await.until(Duration.ofSeconds(10), "a later check", () -> checks.get() > before);
    }
  }
}
