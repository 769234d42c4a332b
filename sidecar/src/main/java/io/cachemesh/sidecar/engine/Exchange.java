package io.cachemesh.sidecar.engine;

import io.cachemesh.sidecar.semantics.CacheControl;
import io.cachemesh.sidecar.shared.LockAttempt;

/** Per-request state that the steps of the engine pass along: the rule, the key, the request's directives. */
final class Exchange {
  CacheRequest request;
  RulePlan rp;
  ConfigPlan plan;
  boolean unsafe;
  boolean head;
  String bypassReason;
  boolean authorization;
  CacheControl requestCc;
  String primary;
  String fullKey;
  String missKind = "uri-miss";
  /** A background refresh: counts nothing and serves nobody. */
  boolean background;
  /** The fleet lock this request holds, handed to the shared write that releases it. */
  LockAttempt.Acquired lock;
  /** The fleet's purge epoch before the last shared read: a fill is kept only if no purge ran since. */
  long sharedEpoch;

  /** The same request as a background refresh: no client directives, nothing counted. */
  Exchange forBackground() {
    Exchange bg = new Exchange();
    bg.request = request;
    bg.rp = rp;
    bg.plan = plan;
    bg.head = head;
    bg.authorization = authorization;
    bg.requestCc = CacheControl.NONE;
    bg.primary = primary;
    bg.fullKey = fullKey;
    bg.missKind = missKind;
    bg.background = true;
    return bg;
  }
}
