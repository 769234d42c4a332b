package io.cachemesh.sidecar.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.engine.HeaderList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FreshnessTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 999, 1_000, 60_000, 86_400_000L})
  void jitterTakesAtMostTenPercentAndIsDeterministic(long lifetime) {
    for (int i = 0; i < 1_000; i++) {
      long j = Freshness.jitter(lifetime, "key-" + i);
      assertThat(j).isBetween(lifetime - lifetime / 10, lifetime);
      assertThat(Freshness.jitter(lifetime, "key-" + i)).isEqualTo(j);
    }
  }

  @Test
  void jitterSpreadsKeysOverTheWholeRange() {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 1_000; i++) {
      long j = Freshness.jitter(100_000, "key-" + i);
      min = Math.min(min, j);
      max = Math.max(max, j);
    }
    assertThat(min).isLessThan(91_000);
    assertThat(max).isGreaterThan(99_000);
  }

  @Test
  void correctedInitialAgeIsTheLargerOfApparentAgeAndAgePlusDelay() {
    long now = 1_700_000_000_000L;
    HeaderList oldDate = HeaderList.of("Date", HttpDates.format(now - 50_000), "Age", "10");
    assertThat(Freshness.correctedInitialAge(oldDate, now - 1_000, now)).isEqualTo(50_000);
    HeaderList bigAge = HeaderList.of("Date", HttpDates.format(now), "Age", "100");
    assertThat(Freshness.correctedInitialAge(bigAge, now - 1_000, now)).isEqualTo(101_000);
    assertThat(Freshness.currentAge(101_000, now, now + 9_000)).isEqualTo(110_000);
  }

  @Test
  void expiresIsRelativeToTheDateHeader() {
    long now = 1_700_000_000_000L;
    HeaderList h = HeaderList.of("Date", HttpDates.format(now - 10_000), "Expires", HttpDates.format(now + 20_000));
    assertThat(Freshness.explicitLifetime(CacheControl.NONE, h, now)).isEqualTo(30_000);
    assertThat(Freshness.explicitLifetime(CacheControl.NONE, HeaderList.EMPTY, now)).isEqualTo(-1);
  }
}
