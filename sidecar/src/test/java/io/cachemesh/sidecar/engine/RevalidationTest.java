package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.semantics.HttpDates;
import org.junit.jupiter.api.Test;

/** Validators, 304s in both directions, and the request directives that force revalidation. */
class RevalidationTest extends EngineFixture {
  private static final String ETAG = "\"v1\"";

  private void originWithEtag(String cacheControl) {
    origin.script((req, o) -> {
      String inm = o.first("If-None-Match").orElse(req.headers().first("If-None-Match").orElse(""));
      if (inm.equals(ETAG)) {
        return ScriptedOrigin.Reply.of(304, "", "ETag", ETAG, "Cache-Control", cacheControl, "X-Version", "refreshed");
      }
      return ScriptedOrigin.Reply.of(200, "body", "ETag", ETAG, "Cache-Control", cacheControl, "X-Version", "first",
          "Content-Type", "text/plain");
    });
  }

  @Test
  void staleEntryIsRevalidatedWithItsEtagAndA304RefreshesHeadersAndServesTheStoredBody() {
    engine("defaults:\n  ttl: 60s\n");
    originWithEtag("max-age=10");
    get("/a");
    clock.advanceSeconds(20);
    CacheResponse r = get("/a");
    assertThat(origin.last().overrides().first("If-None-Match")).contains(ETAG);
    assertThat(r.status()).isEqualTo(200);
    assertThat(body(r)).isEqualTo("body");
    assertThat(r.headers().first("X-Version")).contains("refreshed");
    assertThat(r.headers().first("Content-Type")).contains("text/plain");
    assertThat(status(r)).startsWith("cachemesh; fwd=stale; fwd-status=304; stored; ttl=");
    assertThat(get("/a").headers().first("Age")).contains("0");
    assertThat(origin.calls()).isEqualTo(2);
    assertThat(requests("revalidated")).isEqualTo(1);
  }

  @Test
  void lastModifiedIsSentAsIfModifiedSince() {
    engine("defaults:\n  ttl: 60s\n");
    String lm = HttpDates.format(clock.millis() - 100_000);
    origin.reply(200, "x", "Cache-Control", "max-age=1", "Last-Modified", lm);
    get("/a");
    clock.advanceSeconds(5);
    get("/a");
    assertThat(origin.last().overrides().first("If-Modified-Since")).contains(lm);
  }

  @Test
  void responseNoCacheIsStoredButRevalidatedOnEveryUse() {
    engine("defaults:\n  ttl: 60s\n");
    originWithEtag("no-cache, max-age=60");
    get("/a");
    assertThat(engine.tryServeFromMemory(Requests.get("/a"))).isEmpty();
    CacheResponse r = get("/a");
    assertThat(body(r)).isEqualTo("body");
    assertThat(origin.calls()).isEqualTo(2);
    assertThat(origin.last().overrides().first("If-None-Match")).contains(ETAG);
  }

  @Test
  void clientNoCacheAndMaxAgeZeroForceRevalidationOfAFreshEntry() {
    engine("defaults:\n  ttl: 60s\n");
    originWithEtag("max-age=60");
    get("/a");
    clock.advanceSeconds(1);
    CacheResponse r = get("/a", "Cache-Control", "no-cache");
    assertThat(status(r)).startsWith("cachemesh; fwd=request; fwd-status=304");
    clock.advanceSeconds(1);
    get("/a", "Cache-Control", "max-age=0");
    assertThat(origin.calls()).isEqualTo(3);
    get("/a", "Pragma", "no-cache");
    assertThat(origin.calls()).isEqualTo(4);
  }

  @Test
  void mustRevalidateEntryIsNeverServedStaleEvenWithStaleWindows() {
    engine("defaults:\n  ttl: 60s\n  staleWhileRevalidate: 60s\n  staleIfError: 60s\n");
    originWithEtag("max-age=10, must-revalidate");
    get("/a");
    clock.advanceSeconds(15);
    origin.fail(new java.io.IOException("down"));
    CacheResponse r = get("/a");
    assertThat(r.status()).isEqualTo(502);
  }

  @Test
  void onlyIfCachedGives504WhenNothingIsStoredAndTheEntryOtherwise() {
    engine("defaults:\n  ttl: 60s\n");
    CacheResponse r = get("/a", "Cache-Control", "only-if-cached");
    assertThat(r.status()).isEqualTo(504);
    assertThat(status(r)).isEqualTo("cachemesh; detail=only-if-cached; rule=\"default\"");
    assertThat(origin.calls()).isZero();
    get("/a");
    assertThat(get("/a", "Cache-Control", "only-if-cached").status()).isEqualTo(200);
  }

  @Test
  void maxStaleLetsAClientAcceptAStaleEntryStillRetained() {
    engine("defaults:\n  ttl: 60s\n");
    // Retained past expiry because it has a validator (an entry without one is dropped at expiry).
    origin.reply(200, "x", "Cache-Control", "max-age=10", "ETag", ETAG);
    get("/a");
    clock.advanceSeconds(20);
    CacheResponse r = get("/a", "Cache-Control", "max-stale=30");
    assertThat(status(r)).contains("; hit; ttl=-");
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void conditionalClientRequestGets304FromAFreshEntryWithWeakComparison() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(200, "x", "Cache-Control", "max-age=60", "ETag", "W/\"abc\"", "Content-Type", "text/plain");
    get("/a");
    CacheResponse r = get("/a", "If-None-Match", "\"zzz\", \"abc\"");
    assertThat(r.status()).isEqualTo(304);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().first("ETag")).contains("W/\"abc\"");
    assertThat(r.headers().contains("Content-Type")).isFalse();
    assertThat(status(r)).contains("; hit;");
    assertThat(get("/a", "If-None-Match", "\"other\"").status()).isEqualTo(200);
    assertThat(get("/a", "If-None-Match", "*").status()).isEqualTo(304);
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void ifModifiedSinceGets304WhenNotModifiedSinceThen() {
    engine("defaults:\n  ttl: 60s\n");
    long lm = clock.millis() - 100_000;
    origin.reply(200, "x", "Cache-Control", "max-age=60", "Last-Modified", HttpDates.format(lm));
    get("/a");
    assertThat(get("/a", "If-Modified-Since", HttpDates.format(lm)).status()).isEqualTo(304);
    assertThat(get("/a", "If-Modified-Since", HttpDates.format(lm - 10_000)).status()).isEqualTo(200);
  }

  @Test
  void aClientsConditionalOnAMissIsRemovedSoTheOriginSendsAStorableResponse() {
    engine("defaults:\n  ttl: 60s\n");
    originWithEtag("max-age=60");
    CacheResponse r = get("/a", "If-None-Match", ETAG, "Range", "bytes=0-1");
    assertThat(origin.last().header("If-None-Match")).isNull();
    assertThat(origin.last().header("Range")).isNull();
    assertThat(r.status()).as("the cache answers the client's conditional itself").isEqualTo(304);
    assertThat(body(get("/a"))).isEqualTo("body");
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void a304TheCacheDidNotAskForIsPassedThroughUnstored() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(304, "", "ETag", ETAG);
    CacheResponse r = get("/a");
    assertThat(r.status()).isEqualTo(304);
    assertThat(status(r)).contains("detail=not-modified");
  }

  @Test
  void aStaleEntryTheOriginNowCallsPrivateIsDroppedNotServedLater() {
    engine("defaults:\n  ttl: 60s\n  staleIfError: 600s\n");
    storeAndAge("public", "max-age=10", 20);
    origin.reply(200, "mine", "Cache-Control", "private");
    assertThat(body(get("/a"))).isEqualTo("mine");
    origin.fail(new java.io.IOException("down"));
    assertThat(get("/a").status()).isEqualTo(502);
  }

  @Test
  void aNoStoreRequestRevalidatingDoesNotDropTheEntry() {
    engine("defaults:\n  ttl: 60s\n");
    originWithEtag("max-age=10");
    get("/a");
    clock.advanceSeconds(20);
    assertThat(body(get("/a", "Cache-Control", "no-store"))).isEqualTo("body");
    assertThat(engine.inspect(Requests.get("/a"))).isPresent();
  }
}
