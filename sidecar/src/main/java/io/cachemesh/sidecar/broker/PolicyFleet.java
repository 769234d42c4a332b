package io.cachemesh.sidecar.broker;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.sidecar.shared.EntryEnvelope;
import io.cachemesh.sidecar.shared.FillNotifications;
import io.cachemesh.sidecar.shared.RedisSharedStore;
import io.cachemesh.sidecar.shared.SharedStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Everything one policy's sidecar does with its fleet through Redis, wired in one place: the
 * shared store, the invalidation publisher, the stream consumer feeding {@code sink} (the engine's
 * {@code beginFleetPurge}) and the heartbeat reporting the consumer's last event id.
 *
 * <p>A config reload that changes {@code keyVersion} needs a new instance (entries are keyed by
 * it); the {@link RedisConnection} can be shared by all of them and outlives them.
 */
public final class PolicyFleet implements AutoCloseable {
  /** Room for the engine's own entry header around a body of {@code maxObjectSize}. */
  static final int ENTRY_OVERHEAD_BYTES = 64 * 1024;

  /** Who this sidecar is, for heartbeats and event origins. */
  public record Identity(String pod, String version, Duration heartbeatInterval) {}

  private final SharedStore store;
  private final FillNotifications fills;
  private final InvalidationPublisher publisher;
  private final InvalidationConsumer consumer;
  private final HeartbeatPublisher heartbeats;
  private final String origin;

  public PolicyFleet(
      RedisConnection redis, CompiledConfig config, byte[] hmacKey, Identity identity, PurgeSink sink,
      Runnable onGap, Supplier<HeartbeatPublisher.Stats> stats, Clock clock, MeterRegistry registry) {
    long maxPayload = Math.min(Integer.MAX_VALUE - ENTRY_OVERHEAD_BYTES, config.memory().maxObjectSizeBytes()) + ENTRY_OVERHEAD_BYTES;
    this.fills = new FillNotifications(redis, config.policy());
    this.store = new RedisSharedStore(redis, config.policy(), config.keyVersion(),
        new EntryEnvelope(hmacKey, (int) maxPayload), clock, registry, fills);
    this.publisher = new InvalidationPublisher(redis, config.policy(), registry);
    this.consumer = new InvalidationConsumer(redis, config.policy(), sink, onGap, ConsumerSettings.DEFAULTS, clock, registry);
    this.heartbeats = new HeartbeatPublisher(redis, config.policy(), identity.pod(), identity.version(), stats,
        consumer::lastAppliedId, identity.heartbeatInterval(), clock, registry);
    this.origin = "sidecar/" + identity.pod();
  }

  /** Starts consuming invalidations, listening for fleet-lock releases and sending heartbeats; returns at once (Redis may be down). */
  public void start() {
    consumer.start();
    fills.start();
    heartbeats.start();
  }

  public SharedStore store() {
    return store;
  }

  /** Publishes a purge to the fleet as this sidecar. @return the stream id, or empty (KEY purge, or Redis did not take it) */
  public java.util.Optional<String> publish(Purge purge) {
    return publisher.publish(purge, origin);
  }

  /** The subscription waking requests that wait for another replica's fleet lock. */
  public FillNotifications fills() {
    return fills;
  }

  public InvalidationConsumer consumer() {
    return consumer;
  }

  @Override
  public void close() {
    heartbeats.close();
    fills.close();
    consumer.close();
  }
}
