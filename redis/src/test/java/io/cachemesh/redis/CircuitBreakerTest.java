package io.cachemesh.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.redis.CircuitBreaker.State;
import io.cachemesh.redis.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final MutableClock clock = new MutableClock(1_000_000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CircuitBreaker breaker =
      new CircuitBreaker("test", clock, 3, Duration.ofMillis(100), Duration.ofMillis(400), registry);

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure(false);
    }
  }

  @Test
  void opensAfterConsecutiveFailuresAndRefusesWithoutCalling() {
    fail(2);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    fail(1);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(registry.get("cachemesh.redis.circuit.state").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    fail(2);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess();
    fail(2);

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aTimeoutOpensAtOnce() {
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure(true);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void letsOneProbeThroughAfterTheBackoffAndClosesWhenItSucceeds() {
    fail(3);
    clock.advance(Duration.ofMillis(99));
    assertThat(breaker.tryAcquire()).isFalse();
    clock.advance(Duration.ofMillis(1));

    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).as("only one probe at a time").isFalse();
    breaker.onSuccess();

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(registry.get("cachemesh.redis.circuit.state").gauge().value()).isEqualTo(0.0);
  }

  @Test
  void aFailedProbeDoublesTheBackoffUpToTheCap() {
    fail(3);
    clock.advance(Duration.ofMillis(100));
    for (long backoff : new long[] {200, 400, 400}) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure(false);
      assertThat(breaker.currentBackoff()).isEqualTo(Duration.ofMillis(backoff));
      clock.advance(Duration.ofMillis(backoff - 1));
      assertThat(breaker.tryAcquire()).isFalse();
      clock.advance(Duration.ofMillis(1));
    }
  }
}
