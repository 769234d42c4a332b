package io.cachemesh.sidecar.shared;

/** The outcome of {@link SharedStore#tryLock}. */
public sealed interface LockAttempt {
  /** This replica regenerates the entry; release with {@link SharedStore#unlock} and this token. */
  record Acquired(String key, String token) implements LockAttempt {}

  /** Another replica holds the lock: wait briefly for its entry, or serve stale. */
  record Busy() implements LockAttempt {}

  /** Redis could not say (down, slow, breaker open): go to the origin as if there were no fleet. */
  record Unavailable() implements LockAttempt {}
}
