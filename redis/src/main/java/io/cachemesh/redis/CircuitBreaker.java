package io.cachemesh.redis;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops asking a dependency that keeps failing. CLOSED: calls go through; after
 * {@code failureThreshold} consecutive failures, or one timeout, it opens. OPEN: calls are refused
 * without touching the dependency until the backoff has passed; then one caller is let through as
 * a probe (HALF_OPEN). A successful probe closes it; a failed one reopens it with the backoff
 * doubled, up to {@code maxBackoff}. Thread-safe; time comes from the injected clock.
 *
 * <p>Logs one WARN when it opens and one INFO when it closes; the gauge
 * {@code cachemesh_redis_circuit_state{name}} is 0 closed, 1 open, 2 half-open.
 */
public final class CircuitBreaker {
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

  private final String name;
  private final Clock clock;
  private final int failureThreshold;
  private final Duration baseBackoff;
  private final Duration maxBackoff;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private Duration backoff;
  private long openUntilMillis;
  private boolean probeInFlight;

  public CircuitBreaker(
      String name, Clock clock, int failureThreshold, Duration baseBackoff, Duration maxBackoff, MeterRegistry registry) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold: must be at least 1, is " + failureThreshold);
    }
    if (baseBackoff.isNegative() || baseBackoff.isZero() || maxBackoff.compareTo(baseBackoff) < 0) {
      throw new IllegalArgumentException("backoff: base must be positive and not above max (" + baseBackoff + ", " + maxBackoff + ")");
    }
    this.name = name;
    this.clock = clock;
    this.failureThreshold = failureThreshold;
    this.baseBackoff = baseBackoff;
    this.maxBackoff = maxBackoff;
    this.backoff = baseBackoff;
    Gauge.builder("cachemesh.redis.circuit.state", this, breaker -> breaker.state().ordinal())
        .description("0 closed, 1 open (calls fail fast), 2 half-open (one probe)")
        .tag("name", name)
        .register(registry);
  }

  /** Defaults: 3 failures, backoff 100 ms doubling to 5 s. */
  public static CircuitBreaker withDefaults(String name, Clock clock, MeterRegistry registry) {
    return new CircuitBreaker(name, clock, 3, Duration.ofMillis(100), Duration.ofSeconds(5), registry);
  }

  /**
   * Whether a call may go ahead now. When it returns true the caller must report the outcome with
   * {@link #onSuccess()} or {@link #onFailure(boolean)}.
   */
  public synchronized boolean tryAcquire() {
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> {
        if (clock.millis() < openUntilMillis) {
          yield false;
        }
        state = State.HALF_OPEN;
        probeInFlight = true;
        yield true;
      }
      case HALF_OPEN -> {
        if (probeInFlight) {
          yield false;
        }
        probeInFlight = true;
        yield true;
      }
    };
  }

  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    probeInFlight = false;
    if (state != State.CLOSED) {
      state = State.CLOSED;
      backoff = baseBackoff;
      LOG.info("event=redis_circuit_closed name={}", name);
    }
  }

  /** @param timeout a timeout opens the circuit at once: waiting again would cost every request the same */
  public synchronized void onFailure(boolean timeout) {
    probeInFlight = false;
    consecutiveFailures++;
    switch (state) {
      case CLOSED -> {
        if (timeout || consecutiveFailures >= failureThreshold) {
          open(timeout ? "timeout" : "failures");
        }
      }
      case HALF_OPEN -> {
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        state = State.OPEN;
        openUntilMillis = clock.millis() + backoff.toMillis();
      }
      case OPEN -> { }
    }
  }

  private void open(String reason) {
    state = State.OPEN;
    backoff = baseBackoff;
    openUntilMillis = clock.millis() + backoff.toMillis();
    LOG.warn("event=redis_circuit_open name={} reason={} consecutiveFailures={} retryAfterMs={}",
        name, reason, consecutiveFailures, backoff.toMillis());
  }

  public synchronized State state() {
    return state;
  }

  /** How long the current (or next) open period lasts. */
  public synchronized Duration currentBackoff() {
    return backoff;
  }
}
