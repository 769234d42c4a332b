package io.cachemesh.sidecar.fleet;

import static io.cachemesh.sidecar.testing.FleetHarness.awaitSharedWrites;
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
import io.cachemesh.sidecar.testing.TestOrigin;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/** Three in-process sidecars of one policy sharing one real Redis and one origin. */
class SharedFleetIT {
  private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(2);
  private final AtomicInteger version = new AtomicInteger(1);
  private FleetHarness fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private FleetHarness start(int replicas) throws Exception {
    fleet = new FleetHarness(replicas);
    fleet.origin.route("/products/", (ex, body) -> TestOrigin.respond(ex, 200, "text/plain",
        ("v" + version.get() + " " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8)));
    fleet.awaitConsumers();
    return fleet;
  }

  private Reply get(int replica, String path) throws Exception {
    return fleet.get(replica, path);
  }

  @Test
  void missOnOneReplicaIsServedToTheOthersFromTheSharedTierAndFillsTheirMemory() throws Exception {
    start(3);

    Reply first = get(0, "/products/1");
    awaitSharedWrites(fleet.get(0), 1);
    Reply fromShared = get(1, "/products/1");
    Reply thenMemory = get(1, "/products/1");
    Reply third = get(2, "/products/1");

    assertThat(first.cacheStatus()).contains("fwd=uri-miss");
    assertThat(fromShared.body()).isEqualTo(first.body());
    assertThat(fromShared.cacheStatus()).contains("hit").contains("detail=shared");
    assertThat(thenMemory.cacheStatus()).contains("hit").contains("detail=memory");
    assertThat(third.cacheStatus()).contains("detail=shared");
    assertThat(fleet.origin.hits("/products/1")).isEqualTo(1);
    assertThat(metric(fleet.get(1), "cachemesh_requests_total", "result=\"hit\"", "tier=\"shared\"")).isEqualTo(1.0);
    assertThat(compact(inspect(fleet.get(1), "/products/1").body())).contains("\"tier\":\"memory\"").contains("\"shared\":{");
  }

  @Test
  void tagPurgeFromTheAdminApiOrARawXaddEmptiesBothTiersOfEveryReplicaWithinTheBound() throws Exception {
    start(3);
    fleet.warm("/products/1");
    fleet.warm("/products/2");
    assertThat(fleet.origin.hits("/products/1")).isEqualTo(1);

    HttpResponse<String> purged = purge(fleet.get(0), "kind=tag&value=product:1");
    Duration viaAdmin = fleet.awaitGoneEverywhere("/products/1", PROPAGATION_BOUND);
    try (Jedis raw = new Jedis("127.0.0.1", fleet.redis.port())) {
      raw.xadd(BrokerKeys.events(new PolicyId("shop", "catalog")), StreamEntryID.NEW_ENTRY,
          Map.of("v", "1", "tags", "product:2", "mode", "hard", "origin", "django"));
    }
    Duration viaXadd = fleet.awaitGoneEverywhere("/products/2", PROPAGATION_BOUND);

    assertThat(purged.statusCode()).isEqualTo(200);
    assertThat(compact(purged.body())).contains("\"published\":true").contains("\"scope\":\"fleet\"");
    assertThat(viaAdmin).isLessThan(PROPAGATION_BOUND);
    assertThat(viaXadd).isLessThan(PROPAGATION_BOUND);
    version.set(2);
    for (int i = 0; i < 3; i++) {
      Reply after = get(i, "/products/1");
      assertThat(after.body()).isEqualTo("v2 /products/1");
      assertThat(after.cacheStatus()).doesNotContain("detail=memory");
    }
    assertThat(metric(fleet.get(2), "cachemesh_invalidation_propagation_seconds_count")).isGreaterThanOrEqualTo(2.0);
  }

  @Test
  void localAdminPurgeTouchesOnlyThatReplica() throws Exception {
    start(2);
    fleet.warm("/products/5");

    HttpResponse<String> purged = purge(fleet.get(0), "kind=tag&value=product:5&local=true");

    assertThat(compact(purged.body())).contains("\"scope\":\"local\"").contains("\"purged\":1");
    assertThat(compact(inspect(fleet.get(1), "/products/5").body())).contains("\"tier\":\"memory\"");
    assertThat(compact(inspect(fleet.get(0), "/products/5").body())).contains("\"tier\":\"shared\"");
  }

  @Test
  void unsafeRequestThroughOneReplicaPurgesTheResourceOnTheOthers() throws Exception {
    start(2);
    fleet.warm("/products/3");

    Reply post = fleet.send(0, "POST", "/products/3");
    fleet.awaitGoneEverywhere("/products/3", PROPAGATION_BOUND);
    version.set(2);

    assertThat(post.status()).isEqualTo(200);
    assertThat(get(1, "/products/3").body()).isEqualTo("v2 /products/3");
  }

  /**
   * Every replica applies each event to the shared tier too, but a soft purge marks only entries
   * requested before the event's time, so a replica applying it late cannot mark the copy another
   * replica refetched; and the fleet lock holder's shared write is what the others are served
   * (read once more after taking the lock, woken by its release while waiting): exactly one
   * refetch for the whole fleet.
   */
  @Test
  void softPurgeServesStaleOnEveryReplicaAndRefetchesOnceForTheFleet() throws Exception {
    start(2);
    fleet.warm("/products/4");
    purge(fleet.get(0), "kind=tag&value=product:4&soft=true");
    for (SidecarFixture s : fleet.sidecars) {
      SidecarFixture.await("soft purge applied", PROPAGATION_BOUND,
          () -> compact(FleetHarness.uncheckedInspect(s, "/products/4")).contains("\"softPurged\":true"));
    }
    version.set(2);

    Reply staleOnA = get(0, "/products/4");
    Reply staleOnB = get(1, "/products/4");
    for (int i = 0; i < 2; i++) {
      int replica = i;
      SidecarFixture.await("fresh copy on replica " + i, Duration.ofSeconds(5),
          () -> fleet.uncheckedGet(replica, "/products/4").body().startsWith("v2"));
    }

    assertThat(staleOnA.body()).isEqualTo("v1 /products/4");
    assertThat(staleOnB.body()).isEqualTo("v1 /products/4");
    assertThat(staleOnA.cacheStatus()).contains("stale");
    // One request warmed the entry, one refetched it.
    assertThat(fleet.origin.hits("/products/4")).isEqualTo(2);
  }

  @Test
  void tamperedSharedEntryIsAMissAndCountedNeverServed() throws Exception {
    start(2);
    get(0, "/products/6");
    awaitSharedWrites(fleet.get(0), 1);
    PolicyId policy = new PolicyId("shop", "catalog");
    try (Jedis raw = new Jedis("127.0.0.1", fleet.redis.port())) {
      List<byte[]> members = raw.zrange(BrokerKeys.entryIndex(policy).getBytes(StandardCharsets.UTF_8), 0, -1);
      assertThat(members).hasSize(1);
      byte[] member = members.getFirst();
      String member0 = new String(member, StandardCharsets.UTF_8);
      byte[] entryKey = member0.substring(member0.indexOf('\0') + 1).getBytes(StandardCharsets.UTF_8);
      byte[] sealed = raw.hget(entryKey, "e".getBytes(StandardCharsets.UTF_8));
      int bodyByte = new String(sealed, StandardCharsets.ISO_8859_1).indexOf("v1 /products/6");
      sealed[bodyByte] = 'X';
      raw.hset(entryKey, "e".getBytes(StandardCharsets.UTF_8), sealed);
    }
    version.set(2);

    Reply onB = get(1, "/products/6");

    assertThat(onB.body()).isEqualTo("v2 /products/6");
    assertThat(onB.cacheStatus()).contains("fwd=uri-miss");
    // Read (and refused) twice: before taking the fleet lock and once more after it.
    assertThat(metric(fleet.get(1), "cachemesh_shared_rejected_total", "reason=\"hmac\"")).isEqualTo(2.0);
  }

  @Test
  void concurrentMissesOnTwoReplicasSendOneRequestToTheOrigin() throws Exception {
    start(2);
    fleet.origin.route("/slow/", (ex, body) -> {
      try {
        Thread.sleep(400);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.getResponseHeaders().add("Cache-Control", "max-age=60");
      TestOrigin.respond(ex, 200, "text/plain", "slow".getBytes(StandardCharsets.UTF_8));
    });

    List<Reply> responses;
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Reply>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int replica = i % 2;
        futures.add(threads.submit(() -> {
          go.await();
          return get(replica, "/slow/1");
        }));
      }
      go.countDown();
      responses = new java.util.ArrayList<>();
      for (var f : futures) {
        responses.add(f.get());
      }
    }

    assertThat(responses).allSatisfy(r -> assertThat(r.body()).isEqualTo("slow"));
    assertThat(fleet.origin.hits("/slow/1")).isEqualTo(1);
    assertThat(responses.stream().map(Reply::cacheStatus)).anyMatch(s -> s.contains("detail=shared"));
  }
}
