package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9111 4.4: unsafe requests pass through and invalidate what they changed. */
class UnsafeMethodTest extends EngineFixture {
  private final List<Purge> published = new CopyOnWriteArrayList<>();

  private void warm(String... paths) {
    engine("defaults:\n  ttl: 60s\n");
    engine.setPurgeListener(published::add);
    for (String p : paths) {
      get(p);
    }
  }

  private boolean cached(String path) {
    return engine.inspect(Requests.get(path)).isPresent();
  }

  @ParameterizedTest
  @CsvSource({"POST", "PUT", "PATCH", "DELETE"})
  void successfulUnsafeRequestPurgesItsUriHardAndPublishesThePurge(String method) {
    warm("/items/1", "/items/1?page=2", "/items/2");
    CacheResponse r = send(Requests.request(method, "/items/1"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(status(r)).isEqualTo("cachemesh; fwd=method; fwd-status=200; detail=method; rule=\"default\"");
    assertThat(cached("/items/1")).isFalse();
    assertThat(cached("/items/1?page=2")).isFalse();
    assertThat(cached("/items/2")).isTrue();
    assertThat(published).containsExactly(new Purge(Purge.Kind.PATH, List.of("/items/1"), false));
  }

  @Test
  void sameOriginLocationAndContentLocationArePurgedToo() {
    warm("/items", "/items/9", "/items/9/summary", "/other");
    origin.reply(201, "", "Location", "/items/9", "Content-Location", "http://shop.example/items/9/summary");
    send(Requests.request("POST", "/items"));
    assertThat(cached("/items")).isFalse();
    assertThat(cached("/items/9")).isFalse();
    assertThat(cached("/items/9/summary")).isFalse();
    assertThat(cached("/other")).isTrue();
  }

  @Test
  void crossOriginLocationIsNotPurged() {
    warm("/items", "/x");
    origin.reply(303, "", "Location", "http://other.example/x");
    send(Requests.request("POST", "/items"));
    assertThat(cached("/x")).isTrue();
    assertThat(published.getFirst().values()).containsExactly("/items");
  }

  @Test
  void relativeLocationResolvesAgainstTheRequestPath() {
    assertThat(UnsafeInvalidation.sameOriginPath(Requests.get("/a/b"), "c?x=1")).isEqualTo("/a/c");
    assertThat(UnsafeInvalidation.sameOriginPath(Requests.get("/a/b"), "//other.example/c")).isNull();
    assertThat(UnsafeInvalidation.sameOriginPath(Requests.get("/a/b"), "https://shop.example/c")).isNull();
    assertThat(UnsafeInvalidation.sameOriginPath(Requests.get("/a/b"), "http://SHOP.example:80/c")).isEqualTo("/c");
  }

  @Test
  void errorResponsesToUnsafeRequestsPurgeNothing() {
    warm("/items/1");
    origin.reply(500, "boom");
    send(Requests.request("DELETE", "/items/1"));
    origin.reply(404, "no");
    send(Requests.request("DELETE", "/items/1"));
    assertThat(cached("/items/1")).isTrue();
    assertThat(published).isEmpty();
  }

  @Test
  void purgeOnUnsafeCanBeTurnedOff() {
    engine("defaults:\n  ttl: 60s\ninvalidation:\n  purgeOnUnsafe: false\n");
    get("/items/1");
    send(Requests.request("POST", "/items/1"));
    assertThat(cached("/items/1")).isTrue();
  }

  @Test
  void unsafeRequestsAreNeverServedFromCache() {
    warm("/items/1");
    send(Requests.request("POST", "/items/1"));
    send(Requests.request("POST", "/items/1"));
    assertThat(origin.calls()).isEqualTo(3);
    assertThat(engine.tryServeFromMemory(Requests.request("POST", "/items/1"))).isEmpty();
  }
}
