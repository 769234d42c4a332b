package io.cachemesh.sidecar.broker;

import io.cachemesh.sidecar.engine.Purge;
import java.util.function.Consumer;

/** Where the consumer hands each event's purges: the engine's {@code beginFleetPurge}. */
@FunctionalInterface
public interface PurgeSink {
  /**
   * Applies the purge to this replica at once, so that from the return on it serves nothing the
   * purge removed from any tier, and returns what is left to do (the shared tier's purge), which the
   * consumer runs right after the batch, off the latency-critical path.
   */
  Runnable begin(Purge purge);

  /** A sink that does all of it in {@link #begin}. */
  static PurgeSink whole(Consumer<Purge> apply) {
    return purge -> {
      apply.accept(purge);
      return () -> { };
    };
  }
}
