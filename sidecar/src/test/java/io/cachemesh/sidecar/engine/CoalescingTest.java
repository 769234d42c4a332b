package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Request coalescing with real concurrent virtual threads. */
class CoalescingTest extends EngineFixture {
  private static final int N = 50;

  private List<Future<CacheResponse>> concurrently(ExecutorService pool, int n, String path) {
    List<Future<CacheResponse>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pool.submit(() -> get(path)));
    }
    return out;
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      // Polls a condition with a bound (not a sleep standing in for synchronisation).
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
  }

  private double coalesced() {
    return registry.find("cachemesh.coalesced.waiters").counter().count();
  }

  @Test
  void concurrentMissesForOneKeyMakeOneOriginRequest() throws Exception {
    engine("defaults:\n  ttl: 60s\n");
    origin.hold();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CacheResponse>> results = concurrently(pool, N, "/hot");
      await(() -> origin.waitingAtGate() == 1 && coalesced() == N - 1, "one leader and N-1 waiters");
      origin.open();
      for (Future<CacheResponse> f : results) {
        CacheResponse r = f.get();
        assertThat(body(r)).isEqualTo("hello");
      }
    }
    assertThat(origin.calls()).isEqualTo(1);
    assertThat(coalesced()).isEqualTo(N - 1);
  }

  @Test
  void waitersGoToTheOriginThemselvesWhenTheResponseIsUncacheableAndTheKeyIsRememberedAsSuch() throws Exception {
    engine("defaults:\n  ttl: 60s\n");
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200, "personal", "Set-Cookie", "sid=" + System.nanoTime()));
    origin.hold();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CacheResponse>> results = concurrently(pool, 10, "/login");
      await(() -> origin.waitingAtGate() == 1 && coalesced() == 9, "one leader and 9 waiters");
      origin.open();
      for (Future<CacheResponse> f : results) {
        CacheResponse r = f.get();
        assertThat(r.headers().first("Set-Cookie")).isPresent();
      }
    }
    assertThat(origin.calls()).as("every waiter got its own response").isEqualTo(10);
    // Hit-for-miss: the next concurrent requests do not queue behind each other.
    origin.hold();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CacheResponse>> results = concurrently(pool, 5, "/login");
      await(() -> origin.waitingAtGate() == 5, "all five at the origin at once");
      origin.open();
      for (Future<CacheResponse> f : results) {
        assertThat(f.get().status()).isEqualTo(200);
      }
    }
    assertThat(coalesced()).isEqualTo(9);
  }

  @Test
  void hitForMissExpiresAndACacheableResponseIsStoredAgain() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(200, "x", "Cache-Control", "private");
    get("/a");
    origin.reply(200, "x", "Cache-Control", "max-age=60");
    get("/a");
    assertThat(status(get("/a"))).contains("; hit;");
    clock.advance(HitForMiss.WINDOW.plusSeconds(1));
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void waitersShareAnOriginFailureInsteadOfStormingTheOrigin() throws Exception {
    engine("defaults:\n  ttl: 60s\n");
    origin.fail(new java.io.IOException("reset"));
    origin.hold();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CacheResponse>> results = concurrently(pool, 10, "/a");
      await(() -> origin.waitingAtGate() == 1 && coalesced() == 9, "leader and waiters");
      origin.open();
      for (Future<CacheResponse> f : results) {
        assertThat(f.get().status()).isEqualTo(502);
      }
    }
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void aWaiterGivesUpAfterTheBoundAndGoesToTheOriginItself() throws Exception {
    engine.close();
    engine = new DefaultCacheEngine(Policies.defaults(), clock, registry, Duration.ofMillis(50));
    origin.hold();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<CacheResponse> leader = pool.submit(() -> get("/a"));
      await(() -> origin.waitingAtGate() == 1, "leader at the origin");
      Future<CacheResponse> waiter = pool.submit(() -> get("/a"));
      await(() -> origin.waitingAtGate() == 2, "the waiter went to the origin after its bound");
      origin.open();
      assertThat(leader.get().status()).isEqualTo(200);
      assertThat(waiter.get().status()).isEqualTo(200);
    }
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void concurrentRequestsOfDifferentUsersCoalescePerUserAndNeverCross() throws Exception {
    engine("defaults:\n  ttl: 60s\n  scope: PerUser\n");
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200, "for " + req.headers().first("Authorization").orElse("-"),
        "Cache-Control", "max-age=60"));
    origin.hold();
    int users = 5;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String[]>> results = new ArrayList<>();
      for (int i = 0; i < users * 10; i++) {
        String user = "Bearer u" + (i % users);
        results.add(pool.submit(() -> new String[] {user, body(get("/me", "Authorization", user))}));
      }
      await(() -> origin.waitingAtGate() == users && coalesced() == users * 9, "one leader per user");
      origin.open();
      for (Future<String[]> f : results) {
        String[] r = f.get();
        assertThat(r[1]).isEqualTo("for " + r[0]);
      }
    }
    assertThat(origin.calls()).isEqualTo(users);
  }

  @Test
  void waitersOfAnotherVariantLookAgainOnceTheOriginsVaryIsKnown() throws Exception {
    engine("defaults:\n  ttl: 60s\n");
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200, "lang=" + req.headers().first("Accept-Language").orElse("-"),
        "Cache-Control", "max-age=60", "Vary", "Accept-Language"));
    origin.hold();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<CacheResponse> fr = pool.submit(() -> get("/a", "Accept-Language", "fr"));
      await(() -> origin.waitingAtGate() == 1, "the first request at the origin");
      Future<CacheResponse> de = pool.submit(() -> get("/a", "Accept-Language", "de"));
      await(() -> coalesced() == 1, "the second waiting for the first");
      origin.open();
      assertThat(body(fr.get())).isEqualTo("lang=fr");
      assertThat(body(de.get())).isEqualTo("lang=de");
    }
    assertThat(origin.calls()).isEqualTo(2);
  }
}
