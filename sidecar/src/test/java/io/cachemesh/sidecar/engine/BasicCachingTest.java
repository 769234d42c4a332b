package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BasicCachingTest extends EngineFixture {
  private static final String CLIENT_CACHE_CONTROL = """
      rules:
        - name: pages
          match: {path: {prefix: /}}
          clientCacheControl: "public, max-age=5"
      """;

  @Test
  void secondRequestIsAHitWithoutCallingTheOrigin() {
    engine("defaults:\n  ttl: 60s\n");
    CacheResponse first = get("/a");
    CacheResponse second = get("/a");
    assertThat(origin.calls()).isEqualTo(1);
    assertThat(body(first)).isEqualTo("hello");
    assertThat(body(second)).isEqualTo("hello");
    assertThat(status(first)).startsWith("cachemesh; fwd=uri-miss; fwd-status=200; stored; ttl=");
    assertThat(status(second)).matches("cachemesh; hit; ttl=\\d+; detail=memory; rule=\"default\"");
  }

  @Test
  void fastPathServesAFreshEntryAndDeclinesAMiss() {
    engine("defaults:\n  ttl: 60s\n");
    assertThat(engine.tryServeFromMemory(Requests.get("/a"))).isEmpty();
    get("/a");
    Optional<CacheResponse> hit = engine.tryServeFromMemory(Requests.get("/a"));
    assertThat(hit).isPresent();
    assertThat(body(hit.get())).isEqualTo("hello");
    assertThat(status(hit.get())).contains("; hit; ");
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void fastPathDeclinesStaleEntriesSoTheSlowPathCanRevalidate() {
    engine("defaults:\n  ttl: 60s\n");
    get("/a");
    clock.advanceSeconds(61);
    assertThat(engine.tryServeFromMemory(Requests.get("/a"))).isEmpty();
  }

  @Test
  void ageHeaderGrowsWithTheClockOnHits() {
    engine("defaults:\n  ttl: 60s\n");
    get("/a");
    clock.advanceSeconds(10);
    assertThat(get("/a").headers().first("Age")).contains("10");
  }

  @Test
  void ageAccountsForOriginAgeAndResponseDelay() {
    engine("defaults:\n  ttl: 60s\n");
    origin.latency(2_000);
    origin.reply(200, "x", "Cache-Control", "max-age=100", "Age", "5");
    get("/a");
    clock.advanceSeconds(3);
    // corrected_initial_age = age_value 5 + response_delay 2 = 7; resident 3 -> 10
    assertThat(get("/a").headers().first("Age")).contains("10");
  }

  @Test
  void ageUsesApparentAgeWhenTheDateIsOlderThanTheAgeHeaderSays() {
    engine("defaults:\n  ttl: 60s\n");
    String date = io.cachemesh.sidecar.semantics.HttpDates.format(clock.millis() - 30_000);
    origin.reply(200, "x", "Cache-Control", "max-age=100", "Date", date);
    get("/a");
    assertThat(get("/a").headers().first("Age")).contains("30");
  }

  @Test
  void headIsServedFromAStoredGetWithoutBody() {
    engine("defaults:\n  ttl: 60s\n");
    get("/a");
    CacheResponse head = send(Requests.head("/a"));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().first("Content-Type")).contains("text/plain");
    assertThat(status(head)).contains("; hit;");
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void headMissIsFetchedAsGetSoThatTheFollowingGetIsAHit() {
    engine("defaults:\n  ttl: 60s\n");
    CacheResponse head = send(Requests.head("/a"));
    assertThat(head.body()).isEmpty();
    assertThat(origin.last().request().method()).isEqualTo("GET");
    CacheResponse get = get("/a");
    assertThat(body(get)).isEqualTo("hello");
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void ruleWithCacheFalseBypassesWithReason() {
    engine("""
        rules:
          - name: account
            match: {path: {prefix: /account}}
            cache: false
        """);
    CacheResponse r1 = get("/account/me");
    CacheResponse r2 = get("/account/me");
    assertThat(origin.calls()).isEqualTo(2);
    assertThat(status(r2)).isEqualTo("cachemesh; fwd=bypass; fwd-status=200; detail=rule; rule=\"account\"");
    assertThat(body(r1)).isEqualTo("hello");
  }

  @Test
  void firstMatchingRuleWinsAndDefaultsServeTheRest() {
    engine("""
        defaults:
          ttl: 10s
        rules:
          - name: products
            match: {path: {template: "/products/{id}"}}
            ttl: 300s
          - name: all-products
            match: {path: {prefix: /products}}
            cache: false
        """);
    origin.reply(200, "p");
    assertThat(status(get("/products/1"))).contains("rule=\"products\"");
    assertThat(status(get("/products"))).contains("detail=rule; rule=\"all-products\"");
    assertThat(status(get("/other"))).contains("rule=\"default\"");
    clock.advanceSeconds(100);
    assertThat(status(get("/products/1"))).contains("; hit;");
    assertThat(status(get("/other"))).contains("fwd=");
  }

  @Test
  void everyResponseCarriesCacheStatusIncludingErrors() {
    engine("defaults:\n  ttl: 60s\n");
    origin.fail(new java.io.IOException("connection refused"));
    CacheResponse r = get("/a");
    assertThat(r.status()).isEqualTo(502);
    assertThat(status(r)).isEqualTo("cachemesh; fwd=uri-miss; detail=origin-unreachable; rule=\"default\"");
  }

  @Test
  void cacheKeyIsShownOnlyToLoopbackDebugRequests() {
    engine("defaults:\n  ttl: 60s\n");
    get("/a");
    assertThat(get("/a", "Cache-Debug", "1").headers().first("Cache-Key")).isEmpty();
    CacheResponse debug = send(Requests.loopback(Requests.get("/a", "Cache-Debug", "1")));
    assertThat(debug.headers().first("Cache-Key")).contains("cm:{test/shop}:v0:G:http://shop.example/a");
    assertThat(send(Requests.loopback(Requests.get("/a"))).headers().first("Cache-Key")).isEmpty();
  }

  @Test
  void clientCacheControlReplacesTheOriginsOnCachedResponsesButTheEntryKeepsTheOrigins() {
    engine(CLIENT_CACHE_CONTROL);
    origin.reply(200, "x", "Cache-Control", "s-maxage=300, max-age=0");
    CacheResponse miss = get("/a");
    CacheResponse hit = get("/a");
    assertThat(miss.headers().all("Cache-Control")).containsExactly("public, max-age=5");
    assertThat(hit.headers().all("Cache-Control")).containsExactly("public, max-age=5");
    // The entry's lifetime is the origin's s-maxage, not the rewritten max-age=5.
    assertThat((long) engine.inspect(Requests.get("/a")).orElseThrow().get("ttl")).isGreaterThan(200);
  }

  @Test
  void clientCacheControlIsNotAppliedToUncacheableResponses() {
    engine(CLIENT_CACHE_CONTROL);
    origin.reply(200, "x", "Cache-Control", "private");
    assertThat(get("/a").headers().all("Cache-Control")).containsExactly("private");
  }

  @Test
  void inspectShowsKeyRuleAndEntryMetadata() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(200, "hello", "Cache-Control", "max-age=60", "Surrogate-Key", "a b");
    assertThat(engine.inspect(Requests.get("/a"))).isEmpty();
    get("/a");
    clock.advanceSeconds(5);
    var view = engine.inspect(Requests.get("/a")).orElseThrow();
    assertThat(view).containsEntry("rule", "default").containsEntry("status", 200).containsEntry("age", 5L)
        .containsEntry("stale", false).containsEntry("tags", java.util.List.of("a", "b"));
    assertThat((String) view.get("key")).endsWith("http://shop.example/a");
    assertThat((long) view.get("ttl")).isBetween(49L, 55L);
    assertThat((int) view.get("size")).isGreaterThan(5);
  }

  @Test
  void anUpstreamCacheStatusIsKeptAndOursIsAppendedLast() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(200, "x", "Cache-Control", "no-store", "Cache-Status", "app-cache; hit", "Age", "7");
    CacheResponse r = get("/a");
    assertThat(status(r)).startsWith("app-cache; hit, cachemesh; fwd=uri-miss; fwd-status=200; detail=no-store");
    assertThat(r.headers().first("Age")).as("a pass-through keeps the origin's Age").contains("7");
  }

  @Test
  void connectionSpecificFieldsAreNotStored() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(200, "x", "Cache-Control", "max-age=60", "Transfer-Encoding", "chunked", "Connection", "close", "X-App", "1");
    get("/a");
    CacheResponse hit = get("/a");
    assertThat(hit.headers().contains("Transfer-Encoding")).isFalse();
    assertThat(hit.headers().contains("Connection")).isFalse();
    assertThat(hit.headers().first("X-App")).contains("1");
  }
}
