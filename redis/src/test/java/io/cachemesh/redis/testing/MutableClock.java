package io.cachemesh.redis.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand. */
public final class MutableClock extends Clock {
  private final AtomicLong millis;

  public MutableClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  public MutableClock(Instant start) {
    this(start.toEpochMilli());
  }

  /** A fixed, arbitrary start: freshness arithmetic in unit tests must not depend on today. */
  public MutableClock() {
    this(1_700_000_000_000L);
  }

  /** Starting at the real time, for tests that also talk to servers with real clocks (Redis TTLs). */
  public static MutableClock now() {
    return new MutableClock(System.currentTimeMillis());
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  public void advanceSeconds(long s) {
    advance(Duration.ofSeconds(s));
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
