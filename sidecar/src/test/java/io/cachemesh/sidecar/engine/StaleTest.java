package io.cachemesh.sidecar.engine;

import static io.cachemesh.sidecar.engine.CoalescingTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** RFC 5861: stale-while-revalidate and stale-if-error. */
class StaleTest extends EngineFixture {

  private long ttl(String path) {
    return (long) engine.inspect(Requests.get(path)).orElseThrow().get("ttl");
  }

  @Test
  void staleWhileRevalidateServesStaleAtOnceWithOneBackgroundRefresh() throws Exception {
    engine("defaults:\n  ttl: 10s\n  staleWhileRevalidate: 60s\n");
    storeAndAge("v1", "max-age=10", 20);
    origin.reply(200, "v2", "Cache-Control", "max-age=10");
    origin.hold();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<CacheResponse>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        results.add(pool.submit(() -> get("/a")));
      }
      for (Future<CacheResponse> f : results) {
        CacheResponse r = f.get();
        assertThat(body(r)).isEqualTo("v1");
        assertThat(status(r)).matches("cachemesh; hit; ttl=-\\d+; detail=stale-while-revalidate; rule=\"default\"");
      }
      await(() -> origin.waitingAtGate() == 1, "the background refresh");
      assertThat(origin.calls()).as("single flight").isEqualTo(2);
      origin.open();
      await(() -> ttl("/a") > 0, "the refreshed entry");
    }
    assertThat(body(get("/a"))).isEqualTo("v2");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void pastTheStaleWhileRevalidateWindowTheRequestWaitsForTheOrigin() {
    engine("defaults:\n  ttl: 10s\n  staleWhileRevalidate: 5s\n");
    storeAndAge("v1", "max-age=10", 16);
    origin.reply(200, "v2", "Cache-Control", "max-age=10");
    assertThat(body(get("/a"))).isEqualTo("v2");
  }

  @Test
  void originsStaleWhileRevalidateExtensionIsHonoured() {
    engine("defaults:\n  ttl: 10s\n");
    storeAndAge("v1", "max-age=10, stale-while-revalidate=30", 20);
    assertThat(status(get("/a"))).contains("detail=stale-while-revalidate");
  }

  @Test
  void staleIfErrorServesStaleOnAServerError() {
    engine("defaults:\n  ttl: 10s\n  staleIfError: 60s\n");
    storeAndAge("good", "max-age=10", 30);
    origin.reply(503, "down");
    CacheResponse r = get("/a");
    assertThat(r.status()).isEqualTo(200);
    assertThat(body(r)).isEqualTo("good");
    assertThat(status(r)).matches("cachemesh; fwd=stale; fwd-status=503; ttl=-\\d+; detail=stale-if-error; rule=\"default\"");
  }

  @Test
  void staleIfErrorServesStaleWhenTheOriginCannotBeReached() {
    engine("defaults:\n  ttl: 10s\n  staleIfError: 60s\n");
    storeAndAge("good", "max-age=10", 30);
    origin.fail(new IOException("connection refused"));
    CacheResponse r = get("/a");
    assertThat(body(r)).isEqualTo("good");
    assertThat(status(r)).contains("fwd=stale").contains("detail=stale-if-error");
  }

  @Test
  void pastTheStaleIfErrorWindowTheErrorReachesTheClient() {
    engine("defaults:\n  ttl: 10s\n  staleIfError: 60s\n");
    origin.reply(200, "good", "Cache-Control", "max-age=10", "ETag", "\"e\"");
    get("/a");
    clock.advanceSeconds(71);
    origin.reply(503, "down");
    assertThat(get("/a").status()).isEqualTo(503);
    origin.fail(new IOException("connection refused"));
    assertThat(get("/a").status()).isEqualTo(502);
  }

  @Test
  void originsStaleIfErrorExtensionIsHonoured() {
    engine("defaults:\n  ttl: 10s\n");
    storeAndAge("good", "max-age=10, stale-if-error=100", 50);
    origin.reply(500, "boom");
    assertThat(body(get("/a"))).isEqualTo("good");
  }

  @Test
  void anOriginTimeoutIsA504() {
    engine("defaults:\n  ttl: 10s\n");
    origin.fail(new SocketTimeoutException("read timed out"));
    CacheResponse r = get("/a");
    assertThat(r.status()).isEqualTo(504);
    assertThat(status(r)).contains("detail=origin-timeout");
  }

  @Test
  void originErrorWithoutStaleEntryIsPassedOnUnstored() {
    engine("defaults:\n  ttl: 10s\n  staleIfError: 60s\n");
    origin.reply(502, "bad");
    CacheResponse r = get("/a");
    assertThat(r.status()).isEqualTo(502);
    assertThat(status(r)).contains("fwd-status=502").contains("detail=error-status");
    assertThat(requests("error")).isEqualTo(1);
  }

  @Test
  void aClientMaxAgeBelowTheEntrysAgeRefusesStaleWhileRevalidate() {
    engine("defaults:\n  ttl: 10s\n  staleWhileRevalidate: 60s\n");
    storeAndAge("v1", "max-age=10", 20);
    origin.reply(200, "v2", "Cache-Control", "max-age=10");
    assertThat(status(get("/a", "Cache-Control", "max-age=600"))).contains("detail=stale-while-revalidate");
    CacheResponse strict = get("/a", "Cache-Control", "max-age=5");
    assertThat(body(strict)).isEqualTo("v2");
  }

  @Test
  void sMaxAgeForbidsThePolicysStaleWindowsButNotTheOriginsExplicitOnes() {
    engine("defaults:\n  ttl: 10s\n  staleWhileRevalidate: 60s\n  staleIfError: 60s\n");
    storeAndAge("v1", "s-maxage=10", 20);
    origin.fail(new IOException("down"));
    assertThat(get("/a").status()).isEqualTo(502);
    storeAndAge("v2", "s-maxage=10, stale-if-error=60", 20);
    origin.fail(new IOException("down"));
    CacheResponse r = get("/a");
    assertThat(body(r)).isEqualTo("v2");
    assertThat(status(r)).contains("detail=stale-if-error");
  }
}
