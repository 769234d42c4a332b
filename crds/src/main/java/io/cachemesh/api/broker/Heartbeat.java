package io.cachemesh.api.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * What a sidecar reports about itself, every few seconds, into its policy's heartbeat hash
 * ({@link BrokerKeys#heartbeats}) under its pod name. The operator aggregates these into the
 * policy's status.
 *
 * @param configHash hash of the compiled config the sidecar serves with
 * @param version the sidecar's version (its image tag), to spot outdated sidecars
 * @param hits cumulative hits since the sidecar started
 * @param misses cumulative misses since the sidecar started
 * @param lastEventId the id of the last invalidation event it applied ("0-0" before any)
 * @param timeMillis when the heartbeat was written, epoch millis
 */
public record Heartbeat(
    String pod, String configHash, String version, long hits, long misses, String lastEventId, long timeMillis) {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a heartbeat", e);
    }
  }

  /** @throws MalformedEventException when the text is not a heartbeat */
  public static Heartbeat parse(String json) throws MalformedEventException {
    try {
      Heartbeat beat = JSON.readValue(json, Heartbeat.class);
      if (beat.pod() == null || beat.configHash() == null) {
        throw new MalformedEventException("heartbeat", "pod and configHash are required");
      }
      return beat;
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("heartbeat", "is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Whether this sidecar has applied the event with that stream id (ids compare as ms-seq). */
  public boolean hasApplied(String streamId) {
    return StreamIds.compare(lastEventId, streamId) >= 0;
  }
}
