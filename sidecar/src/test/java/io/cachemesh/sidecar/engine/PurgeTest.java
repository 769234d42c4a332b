package io.cachemesh.sidecar.engine;

import static io.cachemesh.sidecar.engine.CoalescingTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Purges by key, tag, path, prefix and all; hard and soft; never scanning unrelated entries. */
class PurgeTest extends EngineFixture {

  @BeforeEach
  void taggedOrigin() {
    engine("""
        defaults:
          ttl: 60s
        rules:
          - name: products
            match: {path: {template: "/products/{id}"}}
            tags: ["product:{id}"]
        """);
    origin.script((req, o) -> o.contains("If-None-Match")
        ? ScriptedOrigin.Reply.of(304, "", "ETag", "\"e\"")
        : ScriptedOrigin.Reply.of(200, "v" + origin.calls(), "Cache-Control", "max-age=60",
            "Surrogate-Key", req.path().startsWith("/products") ? "catalog" : "page", "ETag", "\"e\""));
  }

  private boolean cached(String path) {
    return engine.inspect(Requests.get(path)).isPresent();
  }

  private void warm(String... paths) {
    for (String p : paths) {
      get(p);
    }
  }

  private long purge(Purge.Kind kind, boolean soft, String... values) {
    return engine.purge(new Purge(kind, List.of(values), soft));
  }

  @Test
  void hardPurgeByTagDropsTaggedEntriesOnly() {
    warm("/products/1", "/products/2", "/about");
    assertThat(purge(Purge.Kind.TAG, false, "product:1")).isEqualTo(1);
    assertThat(cached("/products/1")).isFalse();
    assertThat(cached("/products/2")).isTrue();
    assertThat(purge(Purge.Kind.TAG, false, "catalog")).isEqualTo(1);
    assertThat(cached("/products/2")).isFalse();
    assertThat(cached("/about")).isTrue();
  }

  @Test
  void hardPurgeByPathDropsEveryQueryAndHost() {
    warm("/about", "/about?x=1", "/aboutus");
    assertThat(purge(Purge.Kind.PATH, false, "/about?ignored")).isEqualTo(2);
    assertThat(cached("/aboutus")).isTrue();
  }

  @Test
  void hardPurgeByPrefixDropsTheSubtree() {
    warm("/products/1", "/products/2", "/productsx", "/about");
    assertThat(purge(Purge.Kind.PREFIX, false, "/products/")).isEqualTo(2);
    assertThat(cached("/productsx")).isTrue();
    assertThat(cached("/about")).isTrue();
  }

  @Test
  void purgeAllDropsEverything() {
    warm("/products/1", "/about");
    assertThat(purge(Purge.Kind.ALL, false)).isEqualTo(2);
    assertThat(engine.memory().entries()).isZero();
  }

  @Test
  void purgeByKeyDropsThatKey() {
    warm("/about", "/other");
    String key = engine.inspect(Requests.get("/about")).orElseThrow().get("key").toString();
    assertThat(purge(Purge.Kind.KEY, false, key)).isEqualTo(1);
    assertThat(cached("/about")).isFalse();
    assertThat(cached("/other")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TAG", "PATH", "PREFIX"})
  void purgeCostIsIndependentOfUnrelatedEntries(String kind) {
    for (int i = 0; i < 2_000; i++) {
      get("/unrelated/" + i);
    }
    warm("/products/7");
    long before = engine.memory().purgeVisits();
    String value = switch (kind) {
      case "TAG" -> "product:7";
      case "PATH" -> "/products/7";
      default -> "/products/";
    };
    assertThat(purge(Purge.Kind.valueOf(kind), false, value)).isEqualTo(1);
    assertThat(engine.memory().purgeVisits() - before).isEqualTo(1);
  }

  @Test
  void softPurgeWithoutStaleWhileRevalidateRevalidatesBeforeServing() {
    warm("/about");
    assertThat(purge(Purge.Kind.TAG, true, "page")).isEqualTo(1);
    assertThat(engine.inspect(Requests.get("/about")).orElseThrow()).containsEntry("stale", true).containsEntry("softPurged", true);
    assertThat(engine.tryServeFromMemory(Requests.get("/about"))).isEmpty();
    CacheResponse r = get("/about");
    assertThat(origin.last().overrides().first("If-None-Match")).contains("\"e\"");
    assertThat(body(r)).isEqualTo("v1");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void softPurgeWithStaleWhileRevalidateServesStaleWhileOneRequestRefetches() throws Exception {
    engine("defaults:\n  ttl: 60s\n  staleWhileRevalidate: 30s\n");
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200, "v" + origin.calls(), "Cache-Control", "max-age=60"));
    warm("/about");
    purge(Purge.Kind.PREFIX, true, "/");
    CacheResponse stale = get("/about");
    assertThat(body(stale)).isEqualTo("v1");
    assertThat(status(stale)).contains("detail=stale-while-revalidate");
    await(() -> !(boolean) engine.inspect(Requests.get("/about")).map(m -> m.get("softPurged")).orElse(true), "refresh");
    assertThat(body(get("/about"))).isEqualTo("v2");
  }

  @Test
  void softPurgeCountsOnlyEntriesNotAlreadyMarked() {
    warm("/about");
    assertThat(purge(Purge.Kind.ALL, true)).isEqualTo(1);
    assertThat(purge(Purge.Kind.ALL, true)).isZero();
  }

  @Test
  void purgesAreCountedByKind() {
    warm("/products/1", "/about");
    purge(Purge.Kind.TAG, false, "product:1");
    purge(Purge.Kind.ALL, false);
    assertThat(registry.find("cachemesh.purged.entries").tag("kind", "tag").counter().count()).isEqualTo(1);
    assertThat(registry.find("cachemesh.purged.entries").tag("kind", "all").counter().count()).isEqualTo(1);
  }

  @Test
  void purgePathsMayBeGivenAsAbsoluteUrls() {
    assertThat(Purges.pathOf("http://shop.example/a/b?x=1")).isEqualTo("/a/b");
    assertThat(Purges.pathOf("https://shop.example")).isEqualTo("/");
    assertThat(Purges.pathOf("/a?x")).isEqualTo("/a");
    warm("/about");
    assertThat(purge(Purge.Kind.PATH, false, "http://shop.example/about")).isEqualTo(1);
  }
}
