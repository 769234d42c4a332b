package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.DefaultCacheEngine;
import io.cachemesh.sidecar.engine.Policies;
import io.cachemesh.sidecar.engine.Requests;
import io.cachemesh.sidecar.engine.ScriptedOrigin;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.redis.testing.MutableClock;
import io.cachemesh.redis.testing.Await;
import io.cachemesh.redis.testing.Closeables;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.cachemesh.redis.testing.RedisTopologies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines of one policy sharing a real Redis: while one holds the fleet lock of a key, the
 * other waits for its release announcement instead of polling, and is served what it wrote.
 */
class FleetLockWakeIT {
  private static final byte[] HMAC = "fleet-lock-wake-hmac-key".getBytes(StandardCharsets.UTF_8);
  /** FleetFetch.WAIT: how long a request waits for another replica's lock. */
  private static final Duration BOUND = Duration.ofSeconds(2);
  /** Each request on its own thread: the common pool may have a single worker on a small machine. */
  private static final Executor VIRTUAL = r -> Thread.ofVirtual().start(r);

  private final RedisProcess server = RedisServers.start();
  private final Closeables closeables = new Closeables();
  private final MutableClock clock = MutableClock.now();
  private final ScriptedOrigin origin = ScriptedOrigin.replying(clock, 200, "fresh", "Cache-Control", "max-age=60");

  private record Replica(DefaultCacheEngine engine, PolicyFleet fleet, SimpleMeterRegistry registry) {
    double waits(String result) {
      Counter c = registry.find("cachemesh.fleet.lock.waits").tag("result", result).counter();
      return c == null ? 0 : c.count();
    }
  }

  @AfterEach
  void stop() throws Exception {
    origin.open();
    closeables.close();
    server.close();
  }

  private Replica replica(String pod) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CompiledConfig config = Policies.defaults();
    RedisConnection redis = closeables.add(new RedisConnection(RedisEndpoint.parse(server.url(), null, null, null),
        RedisTopologies.SETTINGS, clock, registry));
    DefaultCacheEngine engine = closeables.add(new DefaultCacheEngine(config, clock, registry));
    PolicyFleet fleet = closeables.add(new PolicyFleet(redis, config, HMAC,
        new PolicyFleet.Identity(pod, "0.1.0", Duration.ofSeconds(10)), engine::beginFleetPurge, engine::brokerGap,
        () -> new HeartbeatPublisher.Stats("hash", 0, 0), clock, registry));
    fleet.start();
    engine.attachFleet(fleet.store(), fleet::publish);
    Await.until(Duration.ofSeconds(10), pod + " subscribed to lock releases", fleet.fills()::subscribed);
    return new Replica(engine, fleet, registry);
  }

  @Test
  void waiterOnAnotherReplicasLockWakesOnItsReleaseAndIsServedFromTheSharedTier() throws Exception {
    Replica a = replica("pod-a");
    Replica b = replica("pod-b");

    CompletableFuture<CacheResponse> fromA = holderAtTheOrigin(a);
    CompletableFuture<CacheResponse> fromB = waiterOn(b);
    long released = System.nanoTime();
    origin.open();
    CacheResponse waited = fromB.get(10, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(BOUND.dividedBy(2));
    assertThat(cacheStatus(fromA.get(10, TimeUnit.SECONDS))).contains("fwd=uri-miss");
    assertThat(cacheStatus(waited)).contains("hit").contains("detail=shared");
    assertThat(origin.calls()).isEqualTo(1);
    assertThat(b.waits("woken")).isEqualTo(1.0);
    assertThat(b.fleet().fills().watchedKeys()).isZero();
  }

  @Test
  void lostReleaseAnnouncementStillEndsAtTheBoundWithTheSharedEntry() throws Exception {
    Replica a = replica("pod-a");
    Replica b = replica("pod-b");
    // b's subscription is gone: a's announcement reaches nobody.
    b.fleet().fills().close();

    CompletableFuture<CacheResponse> fromA = holderAtTheOrigin(a);
    long start = System.nanoTime();
    CompletableFuture<CacheResponse> fromB = waiterOn(b);
    origin.open();
    fromA.get(10, TimeUnit.SECONDS);
    CacheResponse waited = fromB.get(10, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(BOUND.minusMillis(50), BOUND.plusSeconds(1));
    assertThat(cacheStatus(waited)).contains("hit").contains("detail=shared");
    assertThat(origin.calls()).isEqualTo(1);
    assertThat(b.waits("bound")).isEqualTo(1.0);
  }

  /** a misses /a, takes the fleet lock and blocks at the origin until {@code origin.open()}. */
  private CompletableFuture<CacheResponse> holderAtTheOrigin(Replica a) {
    origin.hold();
    CompletableFuture<CacheResponse> fromA = CompletableFuture.supplyAsync(() -> a.engine().handle(Requests.get("/a"), origin), VIRTUAL);
    Await.until(Duration.ofSeconds(10), "a at the origin", () -> origin.waitingAtGate() == 1);
    return fromA;
  }

  /** b misses /a, finds the lock busy and waits for it. */
  private CompletableFuture<CacheResponse> waiterOn(Replica b) {
    CompletableFuture<CacheResponse> fromB = CompletableFuture.supplyAsync(() -> b.engine().handle(Requests.get("/a"), origin), VIRTUAL);
    Await.until(Duration.ofSeconds(10), "b waiting for the lock", () -> b.fleet().fills().watchedKeys() == 1);
    return fromB;
  }

  private static String cacheStatus(CacheResponse r) {
    return r.headers().first("Cache-Status").orElseThrow();
  }
}
