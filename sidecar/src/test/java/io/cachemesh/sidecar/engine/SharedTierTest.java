package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.shared.LockAttempt;
import io.cachemesh.sidecar.testing.SidecarFixture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine with a shared tier: lookup order, what is written, purges, the fleet lock. */
class SharedTierTest extends EngineFixture {
  /** Each request on its own thread: the common pool may have a single worker on a small machine. */
  private static final Executor VIRTUAL = r -> Thread.ofVirtual().start(r);
  private final FakeSharedStore store = new FakeSharedStore();
  private final List<Purge> published = new CopyOnWriteArrayList<>();
  private final List<DefaultCacheEngine> others = new CopyOnWriteArrayList<>();

  private void attach(DefaultCacheEngine e) {
    e.attachFleet(store, p -> {
      published.add(p);
      return Optional.of("1-0");
    });
  }

  /** A second replica sharing the store, clock and origin. */
  private DefaultCacheEngine other(CompiledConfig config) {
    DefaultCacheEngine other = new DefaultCacheEngine(config, clock, registry);
    others.add(other);
    attach(other);
    return other;
  }

  @AfterEach
  void closeOthers() {
    others.forEach(DefaultCacheEngine::close);
  }

  private void awaitStored(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (store.entries.size() < n) {
      assertThat(System.nanoTime()).as("shared write").isLessThan(deadline);
      Thread.sleep(Duration.ofMillis(5));
    }
  }

  @Test
  void missIsWrittenToTheSharedTierAndServedFromItByAnotherReplicaWhichFillsItsMemory() throws Exception {
    attach(engine);
    get("/a");
    awaitStored(1);
    DefaultCacheEngine b = other(engine.config());

    assertThat(b.tryServeFromMemory(Requests.get("/a"))).isEmpty();
    CacheResponse fromShared = b.handle(Requests.get("/a"), origin);

    assertThat(status(fromShared)).contains("; hit;").contains("detail=shared");
    assertThat(body(fromShared)).isEqualTo("hello");
    assertThat(origin.calls()).isEqualTo(1);
    assertThat(b.tryServeFromMemory(Requests.get("/a"))).isPresent();
    assertThat(registry.find("cachemesh.requests").tag("tier", "shared").tag("result", "hit").counter().count()).isEqualTo(1.0);
  }

  @Test
  void sharedHitLargerThanTheMemoryTiersMaxObjectSizeIsServedButNeverFillsMemory() throws Exception {
    attach(engine);
    String kib = "x".repeat(1024);
    origin.reply(200, kib, "Cache-Control", "max-age=60");
    get("/a");
    awaitStored(1);
    DefaultCacheEngine small = other(Policies.compile("defaults:\n  ttl: 60s\ntiers:\n  memory:\n    maxObjectSize: \"512\"\n"));

    CacheResponse first = small.handle(Requests.get("/a"), origin);
    CacheResponse second = small.handle(Requests.get("/a"), origin);

    assertThat(body(first)).isEqualTo(kib);
    assertThat(status(first)).contains("detail=shared");
    assertThat(status(second)).contains("detail=shared");
    assertThat(small.tryServeFromMemory(Requests.get("/a"))).isEmpty();
    assertThat(small.memory().weightedSizeBytes()).isZero();
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void memoryHitsNeverTouchTheSharedTier() throws Exception {
    attach(engine);
    get("/a");
    awaitStored(1);
    int gets = store.gets.get();

    assertThat(engine.tryServeFromMemory(Requests.get("/a"))).isPresent();
    assertThat(status(get("/a"))).contains("detail=memory");
    assertThat(store.gets.get()).isEqualTo(gets);
  }

  static Stream<Arguments> identityRequests() {
    return Stream.of(
        Arguments.of("per-user with authorization", "defaults:\n  ttl: 60s\n  scope: PerUser\n", new String[] {"Authorization", "Bearer a"}),
        Arguments.of("per-user with a cookie", "defaults:\n  ttl: 60s\n  scope: PerUser\n", new String[] {"Cookie", "session=s1"}),
        Arguments.of("per-user keyed by authorization", "defaults:\n  ttl: 60s\n  scope: PerUser\n  varyBy:\n    headers: [authorization]\n",
            new String[] {"Authorization", "Bearer a"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("identityRequests")
  void requestWithIdentityIsNeverStoredInOrServedFromTheSharedTier(String name, String spec, String[] headers) {
    engine(spec);
    attach(engine);
    origin.reply(200, "mine", "Cache-Control", "public, max-age=60");
    get("/a", headers);
    DefaultCacheEngine b = other(engine.config());
    b.handle(Requests.get("/a", headers), origin);

    assertThat(store.entries).isEmpty();
    assertThat(store.gets.get()).isZero();
  }

  @Test
  void responsesWithVaryStayOutOfTheSharedTier() {
    attach(engine);
    origin.reply(200, "gz", "Cache-Control", "max-age=60", "Vary", "Accept-Encoding");
    get("/a", "Accept-Encoding", "gzip");

    assertThat(status(get("/a", "Accept-Encoding", "gzip"))).contains("detail=memory");
    assertThat(store.entries).isEmpty();
  }

  @Test
  void softPurgedSharedEntryIsNeverServedAsFresh() throws Exception {
    attach(engine);
    get("/a");
    awaitStored(1);
    store.purge(new Purge(Purge.Kind.PATH, List.of("/a"), true));
    DefaultCacheEngine b = other(engine.config());

    CacheResponse r = b.handle(Requests.get("/a"), origin);

    assertThat(status(r)).doesNotContain("detail=shared");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void unavailableFleetLockGoesToTheOriginAtOnce() {
    attach(engine);
    store.lockAnswer = new LockAttempt.Unavailable();

    long start = System.nanoTime();
    CacheResponse r = get("/a");

    assertThat(status(r)).contains("fwd=uri-miss");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FleetFetch.WAIT);
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void busyFleetLockWithNoEntryArrivingGoesToTheOriginAfterTheBoundedWait() {
    attach(engine);
    store.lockAnswer = new LockAttempt.Busy();

    long start = System.nanoTime();
    CacheResponse r = get("/a");

    assertThat(body(r)).isEqualTo("hello");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(FleetFetch.WAIT.minusMillis(50), Duration.ofSeconds(4));
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void busyFleetLockWakesOnTheHoldersReleaseAndServesItsEntryFromTheSharedTier() throws Exception {
    FakeSharedStore.Stored filled = entryWrittenByAnotherReplica();
    store.lockAnswer = new LockAttempt.Busy();
    DefaultCacheEngine b = other(engine.config());

    long start = System.nanoTime();
    CompletableFuture<CacheResponse> waiting = CompletableFuture.supplyAsync(() -> b.handle(Requests.get("/a"), origin), VIRTUAL);
    SidecarFixture.await("waiter watching", Duration.ofSeconds(5), () -> !store.watching.isEmpty());
    store.entries.put(onlyKey, filled);
    store.announceRelease(onlyKey);
    CacheResponse r = waiting.get(5, TimeUnit.SECONDS);

    assertThat(status(r)).contains("detail=shared");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FleetFetch.WAIT);
    assertThat(origin.calls()).isEqualTo(1);
    assertThat(store.watching).isEmpty();
    assertThat(registry.find("cachemesh.fleet.lock.waits").tag("result", "woken").counter().count()).isEqualTo(1.0);
  }

  @Test
  void lostReleaseNotificationStillServesTheSharedEntryAtTheBound() throws Exception {
    FakeSharedStore.Stored filled = entryWrittenByAnotherReplica();
    store.lockAnswer = new LockAttempt.Busy();
    DefaultCacheEngine b = other(engine.config());

    long start = System.nanoTime();
    CompletableFuture<CacheResponse> waiting = CompletableFuture.supplyAsync(() -> b.handle(Requests.get("/a"), origin), VIRTUAL);
    SidecarFixture.await("waiter watching", Duration.ofSeconds(5), () -> !store.watching.isEmpty());
    store.entries.put(onlyKey, filled);
    CacheResponse r = waiting.get(5, TimeUnit.SECONDS);

    assertThat(status(r)).contains("detail=shared");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(FleetFetch.WAIT.minusMillis(50), Duration.ofSeconds(4));
    assertThat(origin.calls()).isEqualTo(1);
    assertThat(store.watching).isEmpty();
  }

  @Test
  void entryWrittenJustBeforeTheWaiterWatchesIsServedWithoutWaiting() throws Exception {
    FakeSharedStore.Stored filled = entryWrittenByAnotherReplica();
    store.lockAnswer = new LockAttempt.Busy();
    DefaultCacheEngine b = other(engine.config());
    AtomicBoolean first = new AtomicBoolean(true);
    store.beforeGet = key -> {
      // The other replica's write lands between the waiter's first read and its watch.
      if (!first.getAndSet(false)) {
        store.entries.put(onlyKey, filled);
      }
    };

    long start = System.nanoTime();
    CacheResponse r = b.handle(Requests.get("/a"), origin);

    assertThat(status(r)).contains("detail=shared");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FleetFetch.WAIT);
  }

  private String onlyKey;

  /** Lets the first engine store /a in the shared tier, then takes it out: the test decides when it arrives. */
  private FakeSharedStore.Stored entryWrittenByAnotherReplica() throws Exception {
    attach(engine);
    get("/a");
    awaitStored(1);
    onlyKey = store.entries.keySet().iterator().next();
    return store.entries.remove(onlyKey);
  }

  @Test
  void fleetPurgeEmptiesTheSharedTierAndMemory() throws Exception {
    attach(engine);
    origin.reply(200, "p", "Cache-Control", "max-age=60", "Surrogate-Key", "product:1");
    get("/a");
    awaitStored(1);

    engine.applyFleetPurge(new Purge(Purge.Kind.TAG, List.of("product:1"), false));

    assertThat(store.entries).isEmpty();
    assertThat(engine.tryServeFromMemory(Requests.get("/a"))).isEmpty();
    assertThat(published).isEmpty();
  }

  @Test
  void purgeEverywherePublishesTagPurgesButKeepsKeyPurgesOffTheBroker() {
    attach(engine);

    PurgeResult tag = engine.purgeEverywhere(new Purge(Purge.Kind.TAG, List.of("t"), false));
    PurgeResult key = engine.purgeEverywhere(new Purge(Purge.Kind.KEY, List.of("k"), false));

    assertThat(tag.eventId()).isEqualTo("1-0");
    assertThat(key.eventId()).isNull();
    assertThat(published).containsExactly(new Purge(Purge.Kind.TAG, List.of("t"), false));
    assertThat(store.purges).hasSize(2);
  }

  @Test
  void unsafeRequestPurgesTheSharedTierAndPublishes() throws Exception {
    attach(engine);
    get("/a");
    awaitStored(1);

    send(Requests.request("POST", "/a"));

    assertThat(store.entries).isEmpty();
    assertThat(published).containsExactly(new Purge(Purge.Kind.PATH, List.of("/a"), false));
  }

  @Test
  void gapDropsTheMemoryTier() {
    get("/a");

    engine.brokerGap();

    assertThat(engine.tryServeFromMemory(Requests.get("/a"))).isEmpty();
  }

  /**
   * Every replica missed an event (trimmed away), so no one removed /a from the shared tier: after
   * their gaps, the old shared copy is a miss for both; the first refetch overwrites it and the
   * other replica is then served that one from the shared tier.
   */
  @Test
  void afterABrokerGapSharedEntriesRequestedBeforeItAreMissesUntilARefetchOverwritesThem() throws Exception {
    attach(engine);
    origin.reply(200, "v1", "Cache-Control", "max-age=60");
    get("/a");
    awaitStored(1);
    String key = store.entries.keySet().iterator().next();
    long firstRequest = store.entries.get(key).requestTime();
    DefaultCacheEngine b = other(engine.config());
    DefaultCacheEngine c = other(engine.config());
    clock.advanceSeconds(1);
    b.brokerGap();
    c.brokerGap();
    origin.reply(200, "v2", "Cache-Control", "max-age=60");

    assertThat(b.inspect(Requests.get("/a"))).isEmpty();
    CacheResponse refetched = b.handle(Requests.get("/a"), origin);
    assertThat(body(refetched)).isEqualTo("v2");
    assertThat(status(refetched)).contains("fwd=uri-miss");
    SidecarFixture.await("refetched entry written", Duration.ofSeconds(5),
        () -> store.entries.get(key).requestTime() > firstRequest);
    CacheResponse fromShared = c.handle(Requests.get("/a"), origin);

    assertThat(body(fromShared)).isEqualTo("v2");
    assertThat(status(fromShared)).contains("detail=shared");
    assertThat(origin.calls()).isEqualTo(2);
    assertThat(registry.find("cachemesh.shared.gap.misses").counters().stream().mapToDouble(m -> m.count()).sum())
        .isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void aSharedEntryWithoutARequestTimeIsServedUntilAGapAndThenTakenAsOlder() throws Exception {
    attach(engine);
    get("/a");
    awaitStored(1);
    String key = store.entries.keySet().iterator().next();
    FakeSharedStore.Stored written = store.entries.get(key);
    store.put(key, written.payload(), written.ttlMillis(), written.tags(), written.path());
    DefaultCacheEngine noGap = other(engine.config());
    DefaultCacheEngine gapped = other(engine.config());

    gapped.brokerGap();

    assertThat(status(noGap.handle(Requests.get("/a"), origin))).contains("detail=shared");
    assertThat(status(gapped.handle(Requests.get("/a"), origin))).contains("fwd=uri-miss");
    assertThat(origin.calls()).isEqualTo(2);
  }

  static Stream<Purge> hardBrokerPurgesOfTheProduct() {
    return Stream.of(
        new Purge(Purge.Kind.TAG, List.of("product:1"), false, 1),
        new Purge(Purge.Kind.PATH, List.of("/p/1?x=y"), false, 1),
        new Purge(Purge.Kind.PREFIX, List.of("http://shop.example/p/"), false, 1),
        new Purge(Purge.Kind.ALL, List.of(), false, 1));
  }

  /**
   * A broker purge applies to memory first. Until its shared-tier part has run, the shared copy it
   * matches is a miss on this replica, so a memory miss in between goes to the origin instead of
   * refilling memory with the copy the purge is about to remove.
   */
  @ParameterizedTest
  @MethodSource("hardBrokerPurgesOfTheProduct")
  void sharedCopyMatchingABrokerPurgeIsAMissUntilThePurgesSharedPartHasRun(Purge purge) throws Exception {
    attach(engine);
    origin.reply(200, "v1", "Cache-Control", "max-age=60", "Surrogate-Key", "product:1");
    get("/p/1");
    awaitStored(1);
    origin.reply(200, "v2", "Cache-Control", "max-age=60", "Surrogate-Key", "product:1");

    Runnable sharedPart = engine.beginFleetPurge(purge);

    assertThat(store.purges).isEmpty();
    assertThat(engine.tryServeFromMemory(Requests.get("/p/1"))).isEmpty();
    CacheResponse r = engine.handle(Requests.get("/p/1"), origin);
    assertThat(body(r)).isEqualTo("v2");
    assertThat(status(r)).contains("fwd=uri-miss");
    sharedPart.run();
    assertThat(store.purges).containsExactly(purge);
  }

  @Test
  void whileABrokerPurgesSharedPartRunsSharedCopiesItDoesNotMatchAreStillServed() throws Exception {
    attach(engine);
    origin.reply(200, "other", "Cache-Control", "max-age=60", "Surrogate-Key", "product:2");
    get("/p/2");
    awaitStored(1);
    DefaultCacheEngine b = other(engine.config());

    b.beginFleetPurge(new Purge(Purge.Kind.TAG, List.of("product:1"), false, 1));
    CacheResponse r = b.handle(Requests.get("/p/2"), origin);

    assertThat(status(r)).contains("detail=shared");
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void softBrokerPurgeMarksOlderSharedCopiesStaleUntilItsSharedPartHasRunAndLeavesNewerOnesFresh() throws Exception {
    attach(engine);
    get("/a");
    awaitStored(1);
    long requested = store.entries.values().iterator().next().requestTime();
    DefaultCacheEngine older = other(engine.config());
    DefaultCacheEngine newer = other(engine.config());

    older.beginFleetPurge(new Purge(Purge.Kind.PATH, List.of("/a"), true, requested + 1));
    newer.beginFleetPurge(new Purge(Purge.Kind.PATH, List.of("/a"), true, requested));

    assertThat(status(older.handle(Requests.get("/a"), origin))).doesNotContain("detail=shared");
    assertThat(status(newer.handle(Requests.get("/a"), origin))).contains("detail=shared");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void onceABrokerPurgesSharedPartHasRunANewerSharedCopyIsServedAgain() throws Exception {
    attach(engine);
    origin.reply(200, "v1", "Cache-Control", "max-age=60", "Surrogate-Key", "product:1");
    get("/p/1");
    awaitStored(1);
    DefaultCacheEngine b = other(engine.config());
    b.beginFleetPurge(new Purge(Purge.Kind.TAG, List.of("product:1"), false, 1)).run();
    engine.applyFleetPurge(new Purge(Purge.Kind.TAG, List.of("product:1"), false, 1));
    origin.reply(200, "v2", "Cache-Control", "max-age=60", "Surrogate-Key", "product:1");
    get("/p/1");
    awaitStored(1);

    CacheResponse r = b.handle(Requests.get("/p/1"), origin);

    assertThat(body(r)).isEqualTo("v2");
    assertThat(status(r)).contains("detail=shared");
  }

  /**
   * A shared read takes the old copy just before the purge's shared part removes it, and checks the
   * pending purges just after they ended: the purge moved the epoch when it ended, so the copy is
   * not kept, not served as a hit, and memory is not refilled with it.
   */
  @Test
  void sharedReadOverlappingTheEndOfABrokerPurgeIsNotKept() throws Exception {
    attach(engine);
    origin.reply(200, "v1", "Cache-Control", "max-age=60", "Surrogate-Key", "product:1");
    get("/p/1");
    awaitStored(1);
    origin.reply(200, "v2", "Cache-Control", "max-age=60", "Surrogate-Key", "product:1");
    DefaultCacheEngine b = other(engine.config());
    Runnable sharedPart = b.beginFleetPurge(new Purge(Purge.Kind.TAG, List.of("product:1"), false, 1));
    AtomicBoolean once = new AtomicBoolean();
    store.afterGet = key -> {
      if (once.compareAndSet(false, true)) {
        sharedPart.run();
      }
    };

    CacheResponse r = b.handle(Requests.get("/p/1"), origin);

    assertThat(once).isTrue();
    assertThat(body(r)).isEqualTo("v2");
    assertThat(b.tryServeFromMemory(Requests.get("/p/1")).map(EngineFixture::body)).contains("v2");
  }
}
