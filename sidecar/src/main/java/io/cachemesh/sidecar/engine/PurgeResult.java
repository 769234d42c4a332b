package io.cachemesh.sidecar.engine;

/**
 * What a purge did.
 *
 * @param purged entries dropped or marked stale in this replica's memory tier
 * @param sharedPurged entries dropped or marked stale in the shared tier (0 without one, or when Redis failed)
 * @param eventId the broker's id of the published event; null when not published (local purge, a
 *     KEY purge, no broker, or Redis did not accept it)
 * @param fleet whether a broker is configured, i.e. whether the purge was meant to reach the fleet
 */
public record PurgeResult(long purged, long sharedPurged, String eventId, boolean fleet) {
  public static PurgeResult local(long purged) {
    return new PurgeResult(purged, 0, null, false);
  }
}
