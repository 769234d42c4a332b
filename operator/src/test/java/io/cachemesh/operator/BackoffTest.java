package io.cachemesh.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delayDoublesFromTheInitialDelayUpToTheCap() {
    Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30));

    assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delay(4)).isEqualTo(Duration.ofSeconds(16));
    assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.delay(1_000)).isEqualTo(Duration.ofSeconds(30));
  }
}
