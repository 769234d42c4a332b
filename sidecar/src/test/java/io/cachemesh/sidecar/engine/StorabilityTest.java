package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.semantics.HttpDates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorabilityTest extends EngineFixture {

  private boolean storedAfterTwoRequests(String path) {
    get(path);
    get(path);
    return origin.calls() == 1;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "200 | Cache-Control: max-age=60, private              | private",
      "200 | Cache-Control: no-store                        | no-store",
      "200 | Set-Cookie: sid=1                              | set-cookie",
      "200 | Vary: *                                        | vary-star",
      "200 | Vary: Accept, *                                | vary-star",
      "206 | Cache-Control: max-age=60                      | partial",
      "503 | Cache-Control: max-age=60                      | error-status",
      "302 | Location: /x                                   | status",
      "403 | Content-Type: text/plain                       | status",
  })
  void responsesThatMustNotBeStoredAreForwardedWithTheReason(int status, String header, String reason) {
    engine("defaults:\n  ttl: 60s\n");
    String[] h = header.split(":\\s*", 2);
    origin.reply(status, "x", h[0], h[1]);
    CacheResponse r = get("/a");
    assertThat(status(r)).contains("detail=" + reason);
    get("/a");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @ParameterizedTest(name = "status {0} is stored with the policy ttl")
  @CsvSource({"200", "203", "204", "300", "301", "308", "404", "405", "410", "414", "501"})
  void heuristicallyCacheableStatusesUseThePolicyTtlWhenTheOriginIsSilent(int status) {
    engine("defaults:\n  ttl: 60s\n  errorTtl: 0s\n");
    origin.reply(status, "x");
    if (status == 501) {
      // 5xx needs errorTtl even though 501 is heuristically cacheable
      assertThat(storedAfterTwoRequests("/a")).isFalse();
      return;
    }
    assertThat(storedAfterTwoRequests("/a")).isTrue();
  }

  @Test
  void otherStatusesAreStoredWithExplicitFreshness() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(302, "x", "Location", "/y", "Cache-Control", "max-age=30");
    assertThat(storedAfterTwoRequests("/a")).isTrue();
  }

  @Test
  void requestNoStoreIsNeitherStored() {
    engine("defaults:\n  ttl: 60s\n");
    assertThat(status(get("/a", "Cache-Control", "no-store"))).contains("detail=request-no-store");
    get("/a");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void serverErrorsAreStoredOnlyForTheErrorTtl() {
    engine("defaults:\n  ttl: 60s\n  errorTtl: 5s\n");
    origin.reply(503, "down", "Cache-Control", "max-age=600");
    get("/a");
    assertThat(get("/a").status()).isEqualTo(503);
    assertThat(origin.calls()).isEqualTo(1);
    clock.advanceSeconds(6);
    get("/a");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void sMaxAgeWinsOverMaxAgeWhichWinsOverExpires() {
    engine("defaults:\n  ttl: 1s\n");
    origin.reply(200, "x", "Cache-Control", "max-age=10, s-maxage=100", "Expires", HttpDates.format(clock.millis() + 5_000));
    get("/s");
    origin.reply(200, "x", "Cache-Control", "max-age=10", "Expires", HttpDates.format(clock.millis() + 500_000));
    get("/m");
    origin.reply(200, "x", "Date", HttpDates.format(clock.millis()), "Expires", HttpDates.format(clock.millis() + 50_000));
    get("/e");
    assertThat(ttl("/s")).isBetween(89L, 100L);
    assertThat(ttl("/m")).isBetween(8L, 10L);
    assertThat(ttl("/e")).isBetween(44L, 50L);
  }

  @Test
  void policyTtlAppliesWhenTheOriginSaysNothingAndOriginWinsOtherwise() {
    engine("defaults:\n  ttl: 300s\n");
    origin.reply(200, "x");
    get("/silent");
    origin.reply(200, "x", "Cache-Control", "max-age=10");
    get("/explicit");
    assertThat(ttl("/silent")).isBetween(269L, 300L);
    assertThat(ttl("/explicit")).isBetween(8L, 10L);
  }

  @Test
  void policyPrecedenceOverridesTheOriginLifetimeButNeverPrivate() {
    engine("defaults:\n  ttl: 300s\n  precedence: Policy\n");
    origin.reply(200, "x", "Cache-Control", "max-age=0, no-cache");
    get("/a");
    assertThat(ttl("/a")).isBetween(269L, 300L);
    origin.reply(200, "x", "Cache-Control", "private, max-age=600");
    assertThat(storedAfterTwoRequests("/p")).isFalse();
  }

  @Test
  void invalidExpiresMeansAlreadyExpired() {
    engine("defaults:\n  ttl: 300s\n");
    origin.reply(200, "x", "Expires", "0");
    get("/a");
    get("/a");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void deceptionGuardRefusesHtmlUnderAStaticExtension() {
    engine("defaults:\n  ttl: 60s\n");
    origin.reply(200, "<html>account</html>", "Content-Type", "text/html");
    CacheResponse r = get("/account/settings/x.css");
    assertThat(status(r)).contains("detail=deception");
    get("/account/settings/x.css");
    assertThat(origin.calls()).isEqualTo(2);
    origin.reply(200, "body{}", "Content-Type", "text/css; charset=utf-8");
    get("/static/site.css");
    get("/static/site.css");
    assertThat(origin.calls()).isEqualTo(3);
  }

  @Test
  void objectsOverMaxObjectSizeStreamThroughUnbuffered() {
    engine("defaults:\n  ttl: 60s\ntiers:\n  memory:\n    maxObjectSize: \"100\"\n");
    byte[] big = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
    origin.script((req, o) -> new ScriptedOrigin.Reply(200, HeaderList.of("Cache-Control", "max-age=60"), big, -1));
    CacheResponse r = get("/big");
    assertThat(r.body()).isNull();
    assertThat(r.bufferedPrefix()).hasSize(101);
    assertThat(body(r)).hasSize(1000);
    assertThat(status(r)).contains("detail=too-large");
    get("/big");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void declaredLargeObjectsAreNotBufferedAtAll() {
    engine("defaults:\n  ttl: 60s\ntiers:\n  memory:\n    maxObjectSize: \"100\"\n");
    byte[] big = new byte[1000];
    origin.script((req, o) -> new ScriptedOrigin.Reply(200, HeaderList.of("Cache-Control", "max-age=60"), big, big.length));
    CacheResponse r = get("/big");
    assertThat(r.bufferedPrefix()).isNull();
    assertThat(r.stream()).isNotNull();
    assertThat(body(r)).hasSize(1000);
  }

  @Test
  void passThroughResponsesAreStreamedNotBuffered() {
    engine("defaults:\n  ttl: 60s\n");
    origin.script((req, o) -> new ScriptedOrigin.Reply(200, HeaderList.of("Cache-Control", "no-store"), "abc".getBytes(), 3));
    CacheResponse r = get("/a");
    assertThat(r.body()).isNull();
    assertThat(r.stream()).isInstanceOf(ByteArrayInputStream.class);
  }

  @Test
  void ttlJitterShortensLifetimesByAtMostTenPercentDeterministically() {
    engine("defaults:\n  ttl: 1000s\n");
    origin.reply(200, "x");
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 200; i++) {
      get("/j" + i);
      long t = ttl("/j" + i);
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    assertThat(min).isGreaterThanOrEqualTo(900);
    assertThat(max).isLessThanOrEqualTo(1000);
    assertThat(max - min).as("lifetimes are spread").isGreaterThan(50);
    engine("defaults:\n  ttl: 1000s\n");
    get("/j7");
    long again = ttl("/j7");
    engine("defaults:\n  ttl: 1000s\n");
    get("/j7");
    assertThat(ttl("/j7")).isEqualTo(again);
  }

  @Test
  void tagsComeFromTheHeaderAndRuleTemplatesAndTheHeaderIsStripped() {
    engine("""
        rules:
          - name: products
            match: {path: {template: "/shops/{shop}/products/{id}"}}
            tags: ["product:{id}", "shop:{shop}", catalog]
        """);
    origin.reply(200, "x", "Cache-Control", "max-age=60", "Surrogate-Key", "a  b");
    CacheResponse r = get("/shops/s1/products/42");
    assertThat(r.headers().contains("Surrogate-Key")).isFalse();
    assertThat(get("/shops/s1/products/42").headers().contains("Surrogate-Key")).isFalse();
    assertThat(engine.inspect(Requests.get("/shops/s1/products/42")).orElseThrow().get("tags"))
        .isEqualTo(java.util.List.of("a", "b", "product:42", "shop:s1", "catalog"));
  }

  @Test
  void exposeTagsKeepsTheTagHeaderForClients() {
    engine("defaults:\n  ttl: 60s\ninvalidation:\n  exposeTags: true\n  tagHeader: Cache-Tag\n");
    origin.reply(200, "x", "Cache-Control", "max-age=60", "Cache-Tag", "t1");
    get("/a");
    assertThat(get("/a").headers().first("Cache-Tag")).contains("t1");
    assertThat(engine.inspect(Requests.get("/a")).orElseThrow().get("tags")).isEqualTo(java.util.List.of("t1"));
  }

  private long ttl(String path) {
    return (long) engine.inspect(Requests.get(path)).orElseThrow().get("ttl");
  }
}
