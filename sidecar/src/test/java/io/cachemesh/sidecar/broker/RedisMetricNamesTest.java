package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import io.cachemesh.redis.CircuitBreaker;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.redis.RedisSettings;
import io.cachemesh.sidecar.shared.EntryEnvelope;
import io.cachemesh.sidecar.shared.LockAttempt;
import io.cachemesh.sidecar.shared.RedisSharedStore;
import io.cachemesh.redis.testing.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Without any Redis: every call degrades to an empty answer and the documented metrics appear. */
class RedisMetricNamesTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MutableClock clock = new MutableClock(1_000_000);
  private final AtomicInteger connectAttempts = new AtomicInteger();
  private final RedisConnection redis = new RedisConnection(
      RedisEndpoint.parse("redis://127.0.0.1:1", null, null, null), RedisSettings.DEFAULTS,
      CircuitBreaker.withDefaults("test", clock, registry), registry,
      endpoint -> {
        connectAttempts.incrementAndGet();
        throw new JedisConnectionException("connection refused");
      });
  private final PolicyId policy = new PolicyId("shop", "catalog");

  @Test
  void anUnreachableRedisAnswersEmptyNeverThrowsAndStopsBeingAsked() {
    RedisSharedStore store = new RedisSharedStore(redis, policy, 1,
        new EntryEnvelope("metrics-test-hmac-key".getBytes(StandardCharsets.UTF_8), 1024), clock, registry);
    InvalidationPublisher publisher = new InvalidationPublisher(redis, policy, registry);

    for (int i = 0; i < 10; i++) {
      assertThat(store.get("k")).isEmpty();
      assertThat(store.put("k", new byte[1], 1000, Set.of("t"), "/k")).isFalse();
      assertThat(store.purge(new Purge(Kind.TAG, List.of("t"), false))).isZero();
      assertThat(store.tryLock("k", 1000)).isInstanceOf(LockAttempt.Unavailable.class);
      assertThat(publisher.publish(new Purge(Kind.ALL, List.of(), false), "t")).isEmpty();
    }

    assertThat(connectAttempts).as("the breaker opened after 3 failures").hasValue(3);
    assertThat(redis.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void theDocumentedMetricNamesAreExported() {
    new InvalidationConsumer(redis, policy, PurgeSink.whole(purge -> { }), () -> { }, ConsumerSettings.DEFAULTS, clock, registry);
    RedisSharedStore store = new RedisSharedStore(redis, policy, 1,
        new EntryEnvelope("metrics-test-hmac-key".getBytes(StandardCharsets.UTF_8), 1024), clock, registry);
    store.get("k");

    assertThat(registry.scrape()).contains(
        "cachemesh_redis_circuit_state{name=\"test\"} 0",
        "cachemesh_redis_errors_total{op=\"get\",reason=\"connection\"} 1",
        "cachemesh_shared_rejected_total{policy=\"shop/catalog\",reason=\"hmac\"} 0",
        "cachemesh_broker_events_total{policy=\"shop/catalog\",result=\"malformed\"} 0",
        "cachemesh_broker_connected{policy=\"shop/catalog\"} 0",
        "cachemesh_invalidation_propagation_seconds_bucket");
  }
}
