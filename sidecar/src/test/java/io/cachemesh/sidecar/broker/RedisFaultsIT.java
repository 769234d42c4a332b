package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import io.cachemesh.redis.CircuitBreaker;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.sidecar.shared.EntryEnvelope;
import io.cachemesh.sidecar.shared.RedisSharedStore;
import io.cachemesh.redis.testing.Await;
import io.cachemesh.redis.testing.Closeables;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.cachemesh.redis.testing.RedisTopologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/** Redis killed (kill -9), hung (SIGSTOP) and restarted on the same port with its append-only file. */
class RedisFaultsIT {
  private static final PolicyId POLICY = new PolicyId("shop", "faults");
  /** Long enough that events can be published and trimmed before the consumer's next attempt. */
  private static final ConsumerSettings SLOW_RECONNECT =
      new ConsumerSettings(Duration.ofMillis(500), 100, Duration.ofSeconds(3), Duration.ofSeconds(3));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Closeables closeables = new Closeables();
  private RedisProcess server;

  @BeforeEach
  void startRedis() {
    server = RedisServers.start();
  }

  @AfterEach
  void stop() throws Exception {
    closeables.close();
    server.close();
  }

  private RedisConnection connect() {
    return closeables.add(new RedisConnection(RedisEndpoint.parse(server.url(), null, null, null),
        RedisTopologies.SETTINGS, Clock.systemUTC(), registry));
  }

  private record Replica(InvalidationConsumer consumer, List<Purge> purges, AtomicInteger gaps) {}

  private Replica startConsumer(ConsumerSettings settings) {
    List<Purge> purges = new CopyOnWriteArrayList<>();
    AtomicInteger gaps = new AtomicInteger();
    InvalidationConsumer consumer = new InvalidationConsumer(connect(), POLICY, PurgeSink.whole(purges::add), gaps::incrementAndGet,
        settings, Clock.systemUTC(), registry);
    closeables.add(consumer);
    consumer.start();
    return new Replica(consumer, purges, gaps);
  }

  private String xadd(Jedis raw, String tag) {
    InvalidationEvent event = EventPurges.toEvent(new Purge(Kind.TAG, List.of(tag), false), "test").orElseThrow();
    return raw.xadd(BrokerKeys.events(POLICY), XAddParams.xAddParams(), event.toFields()).toString();
  }

  private static Purge tag(String tag) {
    return new Purge(Kind.TAG, List.of(tag), false);
  }

  /** The one tag of a hard TAG purge as the consumer handed it on (its event time varies). */
  private static String tagOf(Purge purge) {
    assertThat(purge.kind()).isEqualTo(Kind.TAG);
    assertThat(purge.soft()).isFalse();
    return purge.values().getFirst();
  }

  private double gaps(String reason) {
    var counter = registry.find("cachemesh.broker.gaps").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * A consumer that applied one event (tag {@code first}), then lost Redis (kill -9) and noticed;
   * Redis is back on the same port with its data, and the consumer waits out its backoff.
   */
  private Replica consumerAcrossARestart(String first) {
    Replica replica = startConsumer(SLOW_RECONNECT);
    Await.until(Duration.ofSeconds(10), "consumer positioned", replica.consumer()::connected);
    try (Jedis raw = new Jedis("127.0.0.1", server.port())) {
      String id = xadd(raw, first);
      Await.until(Duration.ofSeconds(10), "first event applied", () -> replica.consumer().lastAppliedId().equals(id));
    }
    server.kill();
    Await.until(Duration.ofSeconds(10), "consumer noticing the outage", () -> !replica.consumer().connected());
    server.start();
    return replica;
  }

  @Test
  void aConsumerResumesFromItsLastIdAfterRedisRestartsSoNothingIsLost() {
    Replica replica = consumerAcrossARestart("before");

    String last;
    try (Jedis raw = new Jedis("127.0.0.1", server.port())) {
      xadd(raw, "while-away-1");
      last = xadd(raw, "while-away-2");
    }

    Await.until(Duration.ofSeconds(15), "replayed events applied", () -> replica.consumer().lastAppliedId().equals(last));
    assertThat(replica.purges()).extracting(RedisFaultsIT::tagOf).containsExactly("before", "while-away-1", "while-away-2");
    assertThat(replica.gaps()).hasValue(0);
    assertThat(registry.get("cachemesh.broker.disconnects").counter().count()).isPositive();
  }

  @Test
  void aConsumerWhosePositionWasTrimmedAwayCallsTheGapHandlerAndGoesOn() {
    Replica replica = consumerAcrossARestart("seen");

    String kept;
    try (Jedis raw = new Jedis("127.0.0.1", server.port())) {
      xadd(raw, "trimmed-1");
      xadd(raw, "trimmed-2");
      kept = xadd(raw, "kept");
      raw.xtrim(BrokerKeys.events(POLICY), 1, false);
    }

    Await.until(Duration.ofSeconds(15), "gap handled", () -> replica.gaps().get() == 1);
    Await.until(Duration.ofSeconds(10), "later event applied", () -> replica.consumer().lastAppliedId().equals(kept));
    assertThat(replica.purges()).extracting(RedisFaultsIT::tagOf).containsExactly("seen", "kept");
    assertThat(gaps("trimmed")).isEqualTo(1.0);
  }

  @Test
  void aConnectedConsumerWhoseNextEventsWereTrimmedWhileItWasBusyCallsTheGapHandler() throws InterruptedException {
    List<Purge> purges = new CopyOnWriteArrayList<>();
    AtomicInteger gaps = new AtomicInteger();
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InvalidationConsumer consumer = closeables.add(new InvalidationConsumer(connect(), POLICY, PurgeSink.whole(purge -> {
      purges.add(purge);
      if (purges.size() == 1) {
        // As a paused or slow replica: the next events are published and trimmed meanwhile.
        busy.countDown();
        awaitQuietly(release);
      }
    }), gaps::incrementAndGet, SLOW_RECONNECT, Clock.systemUTC(), registry));
    consumer.start();
    Await.until(Duration.ofSeconds(10), "consumer positioned", consumer::connected);
    String kept;
    try (Jedis raw = new Jedis("127.0.0.1", server.port())) {
      xadd(raw, "seen");
      assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
      xadd(raw, "trimmed");
      kept = xadd(raw, "kept");
      raw.xtrim(BrokerKeys.events(POLICY), 1, false);
    }
    release.countDown();

    Await.until(Duration.ofSeconds(10), "later event applied", () -> consumer.lastAppliedId().equals(kept));
    assertThat(purges).extracting(RedisFaultsIT::tagOf).containsExactly("seen", "kept");
    assertThat(gaps).hasValue(1);
    assertThat(gaps("trimmed")).isEqualTo(1.0);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aConsumerThatCouldNotReachRedisAtStartTreatsTheOutageAsAGap() {
    server.kill();
    Replica replica = startConsumer(ConsumerSettings.DEFAULTS);
    Await.until(Duration.ofSeconds(10), "a failed first attempt",
        () -> registry.find("cachemesh.broker.disconnects").counter() != null
            && registry.get("cachemesh.broker.disconnects").counter().count() > 0);

    server.start();

    Await.until(Duration.ofSeconds(15), "consumer positioned", replica.consumer()::connected);
    assertThat(replica.gaps()).hasValue(1);
    assertThat(gaps("late_start")).isEqualTo(1.0);
  }

  @Test
  void whileRedisIsDownCallsFailFastWithoutErrorsAndTheTierRecoversByItself() {
    RedisConnection connection = connect();
    RedisSharedStore store = new RedisSharedStore(connection, POLICY, 1,
        new EntryEnvelope("faults-test-hmac-key-123".getBytes(StandardCharsets.UTF_8), 1 << 20), Clock.systemUTC(), registry);
    InvalidationPublisher publisher = new InvalidationPublisher(connection, POLICY, registry);
    assertThat(store.put("k", "v".getBytes(StandardCharsets.UTF_8), 600_000, Set.of("t"), "/k")).isTrue();
    Load load = Load.start(store);

    server.kill();
    long worst = 0;
    for (int i = 0; i < 200; i++) {
      long start = System.nanoTime();
      assertThat(store.get("k")).isEmpty();
      assertThat(publisher.publish(tag("t"), "test")).isEmpty();
      if (i >= 5) {
        worst = Math.max(worst, System.nanoTime() - start);
      }
    }

    assertThat(connection.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofMillis(250));
    assertThat(registry.get("cachemesh.redis.errors").tag("reason", "circuit_open").tag("op", "get").counter().count())
        .as("most calls never touched Redis").isGreaterThan(150);

    server.start();
    Await.until(Duration.ofSeconds(20), "the shared tier serving again", () -> store.get("k").isPresent());
    assertThat(connection.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    load.stop();
    assertThat(load.errors()).as("calls that threw").hasValue(0);
    assertThat(load.calls()).hasPositiveValue();
    assertThat(Duration.ofNanos(load.worstNanos().get()))
        .as("no call waited much longer than pool wait + connect + socket timeouts (2.5 s)")
        .isLessThan(Duration.ofMillis(3000));
  }

  @Test
  void aHungRedisCostsOneTimeoutThenCallsFailFastUntilItAnswersAgain() {
    RedisConnection connection = connect();
    RedisSharedStore store = new RedisSharedStore(connection, POLICY, 1,
        new EntryEnvelope("faults-test-hmac-key-123".getBytes(StandardCharsets.UTF_8), 1 << 20), Clock.systemUTC(), registry);
    store.put("k", "v".getBytes(StandardCharsets.UTF_8), 600_000, Set.of(), "/k");

    server.pause();
    try {
      long start = System.nanoTime();
      assertThat(store.get("k")).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(connection.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
      for (int i = 0; i < 50; i++) {
        long call = System.nanoTime();
        assertThat(store.get("k")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - call)).isLessThan(Duration.ofMillis(250));
      }
      assertThat(registry.get("cachemesh.redis.errors").tag("reason", "timeout").counter().count()).isEqualTo(1.0);
    } finally {
      server.resume();
    }
    Await.until(Duration.ofSeconds(20), "the shared tier serving again", () -> store.get("k").isPresent());
  }

  /**
   * Platform threads (time-sliced, as request threads are) reading and writing the store about
   * once a millisecond each until stopped, recording errors and the slowest call.
   */
  private record Load(AtomicBoolean running, AtomicInteger errors, AtomicLong calls, AtomicLong worstNanos, List<Thread> threads) {
    static Load start(RedisSharedStore store) {
      Load load = new Load(new AtomicBoolean(true), new AtomicInteger(), new AtomicLong(), new AtomicLong(), new ArrayList<>());
      for (int t = 0; t < 4; t++) {
        int id = t;
        load.threads.add(Thread.ofPlatform().daemon().start(() -> {
          int i = 0;
          while (load.running.get()) {
            long start = System.nanoTime();
            try {
              store.get("k");
              store.put("load-" + id + "-" + (i++ % 20), new byte[64], 60_000, Set.of("load"), "/load/" + id);
            } catch (RuntimeException e) {
              load.errors.incrementAndGet();
            }
            load.calls.incrementAndGet();
            load.worstNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
          }
        }));
      }
      return load;
    }

    void stop() {
      running.set(false);
      for (Thread thread : threads) {
        try {
          thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
