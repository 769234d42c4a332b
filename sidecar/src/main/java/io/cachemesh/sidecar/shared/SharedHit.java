package io.cachemesh.sidecar.shared;

/**
 * An authenticated entry read from the shared tier.
 *
 * @param payload the engine's encoded entry, exactly as it was put
 * @param storedAtMillis when the writing replica sealed it (its clock)
 * @param softPurgedAtMillis when a soft purge marked it stale, or 0 when it was not
 * @param requestTimeMillis when the writing replica sent the request the entry answers (its clock), or
 *     0 when the store does not say: readers must then take it as older than anything they compare it with
 */
public record SharedHit(byte[] payload, long storedAtMillis, long softPurgedAtMillis, long requestTimeMillis) {
  /** A soft-purged entry may be served stale while one request refetches; never as fresh. */
  public boolean stale() {
    return softPurgedAtMillis > 0;
  }
}
