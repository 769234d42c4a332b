package io.cachemesh.operator;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Bounded polling: tests wait on conditions, never sleep. */
public final class Await {
  private Await() {}

  public static ConditionFactory atMost(Duration bound) {
    return Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
  }

  public static ConditionFactory upTo10s() {
    return atMost(Duration.ofSeconds(10));
  }

  /**
   * Runs a write until it goes through: a test's optimistic-locking edit may meet a 409 Conflict
   * when the operator writes the same object's status at the same moment, as a user's would.
   */
  public static void retrying(Runnable write) {
    upTo10s().untilAsserted(write::run);
  }
}
