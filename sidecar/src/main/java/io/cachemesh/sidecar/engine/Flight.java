package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.cache.StoredResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One origin request in progress for a key, which other requests for the key wait on. */
final class Flight {
  /** What the waiters learn when the flight lands. */
  sealed interface Outcome {
    /** Stored (or storable): waiters whose variant matches are served from it. */
    record Stored(StoredResponse entry) implements Outcome {}

    /** Not storable: every waiter goes to the origin itself. */
    record Uncacheable() implements Outcome {}

    /** The origin failed (status 502/504 or its 5xx): waiters serve stale or the same error. */
    record Failed(int status, String detail) implements Outcome {}
  }

  static final Outcome UNCACHEABLE = new Outcome.Uncacheable();

  private final CompletableFuture<Outcome> done = new CompletableFuture<>();

  void complete(Outcome outcome) {
    done.complete(outcome);
  }

  /** Completes {@code flight} when the request leads one (waiters and background refreshes may not). */
  static void complete(Flight flight, Outcome outcome) {
    if (flight != null) {
      flight.complete(outcome);
    }
  }

  /** The outcome, or null when the wait bound passed (the waiter then goes to the origin itself). */
  Outcome await(Duration bound) {
    try {
      return done.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
