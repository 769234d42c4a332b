package io.cachemesh.operator.policy;

import io.cachemesh.api.broker.Heartbeat;
import java.util.List;

/** What the broker said about a policy's sidecars at one reconcile. */
public sealed interface HeartbeatReadout {
  /** The policy has no broker: sync is judged from pod annotations instead. */
  record NoBroker() implements HeartbeatReadout {}

  /** The broker could not be read: counts that depend on it keep their last value. */
  record Unavailable(String reason) implements HeartbeatReadout {}

  /** Fresh heartbeats (stale ones already dropped). */
  record Fresh(List<Heartbeat> heartbeats) implements HeartbeatReadout {
    public Fresh {
      heartbeats = List.copyOf(heartbeats);
    }
  }
}
