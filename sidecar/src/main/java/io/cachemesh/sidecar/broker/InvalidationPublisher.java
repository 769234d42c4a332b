package io.cachemesh.sidecar.broker;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.redis.RedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import redis.clients.jedis.params.XAddParams;

/**
 * Publishes purges on the policy's stream ({@link BrokerKeys#events}), trimmed to about
 * {@link BrokerKeys#STREAM_MAX_LENGTH} events. KEY purges are local only (see
 * {@link EventPurges#toEvent}). Never throws: a publish that Redis did not accept returns empty and
 * is counted in {@code cachemesh_broker_published_total{result="failed"}}, so the caller can tell
 * its client that the purge was applied locally but not fleet-wide.
 */
public final class InvalidationPublisher {
  private final RedisConnection redis;
  private final String stream;
  private final Counter published;
  private final Counter failed;
  private final Counter localOnly;
  private final AtomicReference<String> lastPublishedId = new AtomicReference<>("0-0");

  public InvalidationPublisher(RedisConnection redis, PolicyId policy, MeterRegistry registry) {
    this.redis = redis;
    this.stream = BrokerKeys.events(policy);
    this.published = counter(registry, policy, "accepted");
    this.failed = counter(registry, policy, "failed");
    this.localOnly = counter(registry, policy, "local_only");
  }

  /** @return the stream id Redis gave the event, or empty when nothing was published */
  public Optional<String> publish(Purge purge, String origin) {
    Optional<InvalidationEvent> event = EventPurges.toEvent(purge, origin);
    if (event.isEmpty()) {
      localOnly.increment();
      return Optional.empty();
    }
    Map<String, String> fields = event.get().toFields();
    XAddParams params = XAddParams.xAddParams().maxLen(BrokerKeys.STREAM_MAX_LENGTH).approximateTrimming();
    Optional<String> id = redis.call("xadd", r -> r.xadd(stream, params, fields).toString());
    if (id.isPresent()) {
      published.increment();
      lastPublishedId.accumulateAndGet(id.get(), (a, b) -> io.cachemesh.api.broker.StreamIds.compare(a, b) >= 0 ? a : b);
    } else {
      failed.increment();
    }
    return id;
  }

  public String lastPublishedId() {
    return lastPublishedId.get();
  }

  private static Counter counter(MeterRegistry registry, PolicyId policy, String result) {
    return Counter.builder("cachemesh.broker.published")
        .description("Invalidations this sidecar published, by result")
        .tag("policy", policy.toString())
        .tag("result", result)
        .register(registry);
  }
}
