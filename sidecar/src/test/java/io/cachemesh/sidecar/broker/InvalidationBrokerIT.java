package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.StreamIds;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.testing.Await;
import io.cachemesh.redis.testing.Closeables;
import io.cachemesh.redis.testing.RedisTopologies;
import io.cachemesh.redis.testing.RedisTopologies.Topology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.StreamEntryID;

class InvalidationBrokerIT {
  private static final AtomicInteger POLICIES = new AtomicInteger();
  private static RedisTopologies redis;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  @AutoClose private final Closeables closeables = new Closeables();

  @BeforeAll
  static void startRedis() {
    redis = RedisTopologies.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private RedisConnection connect(Topology topology) {
    return closeables.add(redis.connect(topology, Clock.systemUTC(), registry));
  }

  /** One replica's consumer, recording what it was asked to purge. */
  private record Replica(InvalidationConsumer consumer, List<Purge> purges, AtomicInteger gaps) {}

  private Replica replica(Topology topology, PolicyId policy) {
    List<Purge> purges = new CopyOnWriteArrayList<>();
    AtomicInteger gaps = new AtomicInteger();
    InvalidationConsumer consumer = new InvalidationConsumer(connect(topology), policy, PurgeSink.whole(purges::add), gaps::incrementAndGet,
        ConsumerSettings.DEFAULTS, Clock.systemUTC(), registry);
    closeables.add(consumer);
    consumer.start();
    Await.until(Duration.ofSeconds(10), "consumer positioned on the stream", consumer::connected);
    return new Replica(consumer, purges, gaps);
  }

  private static PolicyId newPolicy() {
    return new PolicyId("shop", "broker-" + POLICIES.incrementAndGet());
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void everyReplicaAppliesEveryPublishedPurgeInOrder(Topology topology) {
    PolicyId policy = newPolicy();
    Replica one = replica(topology, policy);
    Replica two = replica(topology, policy);
    InvalidationPublisher publisher = new InvalidationPublisher(connect(topology), policy, registry);
    List<Purge> sent = List.of(
        new Purge(Kind.TAG, List.of("product:42", "category:7"), false),
        new Purge(Kind.PATH, List.of("/products/42"), true),
        new Purge(Kind.PREFIX, List.of("/search/"), false),
        new Purge(Kind.ALL, List.of(), true));

    List<String> ids = new ArrayList<>();
    for (Purge purge : sent) {
      ids.add(publisher.publish(purge, "test").orElseThrow());
    }

    for (Replica replica : List.of(one, two)) {
      Await.until(Duration.ofSeconds(10), "all purges applied", () -> replica.purges().size() == sent.size());
      assertThat(replica.purges()).containsExactlyElementsOf(atTheirEventTimes(sent, ids));
      assertThat(replica.consumer().lastAppliedId()).isEqualTo(ids.getLast());
      assertThat(replica.gaps()).hasValue(0);
    }
    assertThat(publisher.lastPublishedId()).isEqualTo(ids.getLast());
    String metrics = registry.scrape();
    assertThat(metrics)
        .contains("cachemesh_invalidation_propagation_seconds_count{policy=\"" + policy + "\"} 8")
        .contains("cachemesh_broker_events_total{policy=\"" + policy + "\",result=\"applied\"} 8")
        .contains("cachemesh_broker_published_total{policy=\"" + policy + "\",result=\"accepted\"} 4");
  }

  /** What a consumer hands on: each purge with the time of the stream id it was read from. */
  private static List<Purge> atTheirEventTimes(List<Purge> sent, List<String> ids) {
    List<Purge> expected = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      Purge p = sent.get(i);
      expected.add(new Purge(p.kind(), p.values(), p.soft(), StreamIds.millis(ids.get(i))));
    }
    return expected;
  }

  /**
   * The consumer records an event as applied (propagation latency) once the sink has applied its
   * purges to memory; each purge's shared-tier part runs after that, never before.
   */
  @ParameterizedTest
  @EnumSource(Topology.class)
  void eachPurgesSharedPartRunsAfterItsEventWasRecordedAsApplied(Topology topology) {
    PolicyId policy = newPolicy();
    List<String> steps = new CopyOnWriteArrayList<>();
    InvalidationConsumer consumer = closeables.add(new InvalidationConsumer(connect(topology), policy, purge -> {
      steps.add("memory " + purge.values());
      return () -> steps.add("shared " + purge.values() + " after " + (long) registry.get("cachemesh.invalidation.propagation")
          .tag("policy", policy.toString()).timer().count());
    }, () -> { }, ConsumerSettings.DEFAULTS, Clock.systemUTC(), registry));
    consumer.start();
    Await.until(Duration.ofSeconds(10), "consumer positioned on the stream", consumer::connected);
    InvalidationPublisher publisher = new InvalidationPublisher(connect(topology), policy, registry);

    for (String tag : List.of("a", "b", "c")) {
      publisher.publish(new Purge(Kind.TAG, List.of(tag), false), "test").orElseThrow();
    }

    Await.until(Duration.ofSeconds(10), "all purges finished", () -> steps.size() == 6);
    List<String> tags = List.of("a", "b", "c");
    for (int i = 0; i < tags.size(); i++) {
      String memory = "memory [" + tags.get(i) + "]";
      String sharedPrefix = "shared [" + tags.get(i) + "]";
      String shared = steps.stream().filter(s -> s.startsWith(sharedPrefix)).findFirst().orElseThrow();
      assertThat(steps.indexOf(memory)).isLessThan(steps.indexOf(shared));
      assertThat(Long.parseLong(shared.substring(shared.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(i + 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void keyPurgesStayLocal(Topology topology) {
    PolicyId policy = newPolicy();
    InvalidationPublisher publisher = new InvalidationPublisher(connect(topology), policy, registry);

    assertThat(publisher.publish(new Purge(Kind.KEY, List.of("GET|/x"), false), "test")).isEmpty();
    assertThat(connect(topology).client().exists(BrokerKeys.events(policy))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void aMalformedEventIsCountedAndSkippedAndLaterEventsStillApply(Topology topology) {
    PolicyId policy = newPolicy();
    Replica replica = replica(topology, policy);
    var raw = connect(topology).client();
    String stream = BrokerKeys.events(policy);
    raw.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("v", "2", "tags", "x"));
    raw.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("v", "1", "paths", "no-slash"));
    String good = raw.xadd(stream, StreamEntryID.NEW_ENTRY,
        Map.of("v", "1", "tags", "product:1", "origin", "redis-cli")).toString();

    Await.until(Duration.ofSeconds(10), "the good event applied", () -> replica.consumer().lastAppliedId().equals(good));

    assertThat(replica.purges()).containsExactly(new Purge(Kind.TAG, List.of("product:1"), false, StreamIds.millis(good)));
    assertThat(registry.scrape()).contains("cachemesh_broker_events_total{policy=\"" + policy + "\",result=\"malformed\"} 2");
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void heartbeatsReportTheReplicaAndItsLastEvent(Topology topology) {
    PolicyId policy = newPolicy();
    Replica replica = replica(topology, policy);
    InvalidationPublisher publisher = new InvalidationPublisher(connect(topology), policy, registry);
    String id = publisher.publish(new Purge(Kind.TAG, List.of("t"), false), "test").orElseThrow();
    Await.until(Duration.ofSeconds(10), "event applied", () -> replica.consumer().lastAppliedId().equals(id));
    HeartbeatPublisher heartbeats = new HeartbeatPublisher(connect(topology), policy, "pod-1", "0.1.0",
        () -> new HeartbeatPublisher.Stats("cfg-abc", 10, 3), replica.consumer()::lastAppliedId,
        Duration.ofSeconds(5), Clock.systemUTC(), registry);
    closeables.add(heartbeats);

    heartbeats.start();

    var raw = connect(topology).client();
    Await.until(Duration.ofSeconds(10), "heartbeat written", () -> raw.hexists(BrokerKeys.heartbeats(policy), "pod-1"));
    Optional<Heartbeat> beat = Optional.of(raw.hget(BrokerKeys.heartbeats(policy), "pod-1")).map(json -> {
      try {
        return Heartbeat.parse(json);
      } catch (io.cachemesh.api.broker.MalformedEventException e) {
        throw new AssertionError(e);
      }
    });
    assertThat(beat).hasValueSatisfying(b -> {
      assertThat(b.configHash()).isEqualTo("cfg-abc");
      assertThat(b.hits()).isEqualTo(10);
      assertThat(b.hasApplied(id)).isTrue();
    });
    assertThat(raw.zscore(BrokerKeys.heartbeatsSeen(policy), "pod-1")).isNotNull();
  }
}
