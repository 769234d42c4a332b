package io.cachemesh.sidecar.fleet;

import static io.cachemesh.sidecar.testing.FleetHarness.compact;
import static io.cachemesh.sidecar.testing.FleetHarness.inspect;
import static io.cachemesh.sidecar.testing.FleetHarness.metric;
import static io.cachemesh.sidecar.testing.FleetHarness.purge;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.testing.FleetHarness;
import io.cachemesh.sidecar.testing.FleetHarness.Reply;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TcpRelay;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XTrimParams;

/** The fleet when Redis dies, restarts, or one replica loses it while events flow. */
class FleetFaultsIT {
  private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(2);
  private static final PolicyId POLICY = new PolicyId("shop", "catalog");
  private final AtomicInteger version = new AtomicInteger(1);
  private FleetHarness fleet;
  private TcpRelay relay;
  private final List<TcpRelay> relays = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (TcpRelay r : relays) {
      r.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  private void start(int replicas) throws Exception {
    fleet = new FleetHarness(replicas);
    fleet.origin.route("/products/", (ex, body) -> TestOrigin.respond(ex, 200, "text/plain",
        ("v" + version.get() + " " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8)));
  }

  /** Publishes through a replica's admin API, retrying while its circuit breaker still refuses Redis. */
  private void publishTagPurge(SidecarFixture via, String tag) throws Exception {
    SidecarFixture.await("purge of " + tag + " accepted by Redis", Duration.ofSeconds(10), () -> {
      try {
        return compact(purge(via, "kind=tag&value=" + tag).body()).contains("\"published\":true");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void redisKilledUnderLoadFailsNoClientRequestAndInvalidationsAfterItsRestartReachEveryone() throws Exception {
    start(2);
    fleet.awaitConsumers();
    fleet.warm("/products/1");
    List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 6; t++) {
        int replica = t % 2;
        load.submit(() -> {
          while (running.get()) {
            String path = "/products/" + ThreadLocalRandom.current().nextInt(1, 40);
            long start = System.nanoTime();
            try {
              Reply r = fleet.get(replica, path);
              if (r.status() != 200) {
                failures.add(path + " -> " + r.status() + " " + r.cacheStatus());
              }
            } catch (Exception e) {
              failures.add(path + " -> " + e);
            }
            latenciesNanos.add(System.nanoTime() - start);
            done.incrementAndGet();
          }
          return null;
        });
      }
      awaitMoreRequests(done, 200);
      fleet.redis.kill();
      awaitMoreRequests(done, 400);
      fleet.redis.start();
      fleet.awaitConsumers();
      awaitMoreRequests(done, 200);
      running.set(false);
    }

    assertThat(failures).isEmpty();
    List<Long> sorted = new ArrayList<>(latenciesNanos);
    Collections.sort(sorted);
    Duration p99 = Duration.ofNanos(sorted.get((int) (sorted.size() * 0.99)));
    assertThat(p99).isLessThan(Duration.ofMillis(500));

    version.set(2);
    publishTagPurge(fleet.get(0), "product:1");
    fleet.awaitGoneEverywhere("/products/1", PROPAGATION_BOUND);
    for (int i = 0; i < 2; i++) {
      assertThat(fleet.get(i, "/products/1").body()).isEqualTo("v2 /products/1");
    }
  }

  private static void awaitMoreRequests(AtomicInteger done, int more) throws InterruptedException {
    int target = done.get() + more;
    SidecarFixture.await(more + " more requests", Duration.ofSeconds(20), () -> done.get() >= target);
  }

  private void startWithThirdReplicaBehindRelay() throws Exception {
    start(2);
    relay = relayed();
    fleet.addSidecar(relay.url());
    positionEveryReplicaOnAnEvent();
    fleet.warm("/products/1");
    fleet.warm("/products/2");
  }

  private TcpRelay relayed() throws Exception {
    TcpRelay r = new TcpRelay(fleet.redis.port());
    relays.add(r);
    return r;
  }

  /** On Redis 6 (no entries-added), resuming from "0-0" past a first entry would be taken as a gap. */
  private void positionEveryReplicaOnAnEvent() throws Exception {
    fleet.awaitConsumers();
    publishTagPurge(fleet.get(0), "nothing");
    for (SidecarFixture s : fleet.sidecars) {
      SidecarFixture.await("first event applied", PROPAGATION_BOUND, () -> FleetHarness.uncheckedMetric(
          s, "cachemesh_broker_events_total", "result=\"applied\"") >= 1.0);
    }
  }

  /** An application's XADD while every replica is away, then the stream trimmed past it before they return. */
  private void eventTrimmedWhileEveryoneWasAway(String tag) throws Exception {
    for (TcpRelay r : relays) {
      r.cut();
    }
    try (Jedis raw = new Jedis("127.0.0.1", fleet.redis.port())) {
      raw.xadd(BrokerKeys.events(POLICY), StreamEntryID.NEW_ENTRY, Map.of("v", "1", "tags", tag, "origin", "django"));
      raw.xtrim(BrokerKeys.events(POLICY), XTrimParams.xTrimParams().maxLen(0));
      raw.xadd(BrokerKeys.events(POLICY), StreamEntryID.NEW_ENTRY, Map.of("v", "1", "tags", "product:99", "origin", "test"));
    }
    version.set(2);
    for (TcpRelay r : relays) {
      r.restore();
    }
  }

  @Test
  void replicaCutOffWhileEventsFlowedReplaysThemOnReconnect() throws Exception {
    startWithThirdReplicaBehindRelay();
    SidecarFixture cutOff = fleet.get(2);

    relay.cut();
    publishTagPurge(fleet.get(0), "product:1");
    version.set(2);
    relay.restore();

    fleet.awaitGoneEverywhere("/products/1", Duration.ofSeconds(10));
    assertThat(fleet.get(2, "/products/1").body()).isEqualTo("v2 /products/1");
    assertThat(compact(inspect(cutOff, "/products/2").body())).contains("\"tier\":\"memory\"");
    assertThat(metric(cutOff, "cachemesh_broker_gaps_total")).isZero();
    assertThat(metric(cutOff, "cachemesh_broker_disconnects_total")).isGreaterThanOrEqualTo(1.0);
  }

  /**
   * No replica applied the event, so no one removed /products/1 from Redis: after their gaps, the
   * shared copy (requested before them) is a miss for each, and the first refetch replaces it.
   */
  @Test
  void streamTrimmedPastEveryReplicaLeavesNoStaleSharedHitAfterTheGap() throws Exception {
    fleet = new FleetHarness(0);
    fleet.origin.route("/products/", (ex, body) -> TestOrigin.respond(ex, 200, "text/plain",
        ("v" + version.get() + " " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8)));
    fleet.addSidecar(relayed().url());
    fleet.addSidecar(relayed().url());
    positionEveryReplicaOnAnEvent();
    fleet.warm("/products/1");

    eventTrimmedWhileEveryoneWasAway("product:1");

    for (SidecarFixture s : fleet.sidecars) {
      SidecarFixture.await("gap detected", Duration.ofSeconds(10),
          () -> FleetHarness.uncheckedMetric(s, "cachemesh_broker_gaps_total") >= 1.0);
    }
    // Reading through inspect until the shared copy is refused proves the replica reaches Redis again.
    SidecarFixture.await("old shared copy read as a miss", Duration.ofSeconds(10), () -> {
      FleetHarness.uncheckedInspect(fleet.get(1), "/products/1");
      return FleetHarness.uncheckedMetric(fleet.get(1), "cachemesh_shared_gap_misses_total") >= 1.0;
    });
    Reply refetched = fleet.get(1, "/products/1");
    assertThat(refetched.body()).isEqualTo("v2 /products/1");
    assertThat(refetched.cacheStatus()).contains("fwd=");
    FleetHarness.awaitSharedWrites(fleet.get(1), 1);
    Reply other = fleet.get(0, "/products/1");
    assertThat(other.body()).isEqualTo("v2 /products/1");
    assertThat(other.cacheStatus()).contains("detail=shared");
  }

  @Test
  void replicaCutOffPastTheStreamsRetentionDropsItsMemoryTier() throws Exception {
    startWithThirdReplicaBehindRelay();
    SidecarFixture cutOff = fleet.get(2);

    relay.cut();
    publishTagPurge(fleet.get(0), "product:1");
    try (Jedis raw = new Jedis("127.0.0.1", fleet.redis.port())) {
      raw.xtrim(BrokerKeys.events(POLICY), XTrimParams.xTrimParams().maxLen(0));
      raw.xadd(BrokerKeys.events(POLICY), StreamEntryID.NEW_ENTRY, Map.of("v", "1", "tags", "product:99", "origin", "test"));
    }
    version.set(2);
    relay.restore();

    SidecarFixture.await("gap detected", Duration.ofSeconds(10),
        () -> FleetHarness.uncheckedMetric(cutOff, "cachemesh_broker_gaps_total") >= 1.0);
    assertThat(inspect(cutOff, "/products/1").statusCode()).isEqualTo(404);
    // Redis still holds /products/2, but it was requested before the gap: no longer trusted here.
    assertThat(inspect(cutOff, "/products/2").statusCode()).isEqualTo(404);
    assertThat(fleet.get(2, "/products/1").body()).isEqualTo("v2 /products/1");
  }
}
