package io.cachemesh.sidecar.shared;

/**
 * An authenticated entry read from the shared tier.
 *
 * @param payload the engine's encoded entry, exactly as it was put
 * @param storedAtMillis when the writing replica sealed it (its clock)
 * @param softPurgedAtMillis when a soft purge marked it stale, or 0 when it was not
 */
public record SharedHit(byte[] payload, long storedAtMillis, long softPurgedAtMillis) {
  /** A soft-purged entry may be served stale while one request refetches; never as fresh. */
  public boolean stale() {
    return softPurgedAtMillis > 0;
  }
}
