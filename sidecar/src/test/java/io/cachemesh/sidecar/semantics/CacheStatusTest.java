package io.cachemesh.sidecar.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheStatusTest {
  private final String rule = CacheStatus.ruleParam("products");

  @Test
  void formatsFollowRfc9211() {
    assertThat(CacheStatus.hit(42_500, "memory", rule)).isEqualTo("cachemesh; hit; ttl=42; detail=memory; rule=\"products\"");
    assertThat(CacheStatus.hit(-500, "stale-while-revalidate", rule))
        .isEqualTo("cachemesh; hit; ttl=-1; detail=stale-while-revalidate; rule=\"products\"");
    assertThat(CacheStatus.forwarded("uri-miss", 200, true, true, 60_000, null, rule))
        .isEqualTo("cachemesh; fwd=uri-miss; fwd-status=200; stored; ttl=60; rule=\"products\"");
    assertThat(CacheStatus.forwarded("bypass", 0, false, false, 0, "authorization", rule))
        .isEqualTo("cachemesh; fwd=bypass; detail=authorization; rule=\"products\"");
    assertThat(CacheStatus.hit(1_000, "memory coalesced", rule)).contains("detail=\"memory coalesced\"");
    assertThat(CacheStatus.ruleParam("9\"x")).isEqualTo("; rule=\"9\\\"x\"");
  }
}
