package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReconfigureTest extends EngineFixture {

  @Test
  void newRulesApplyToNewRequestsAndTheMemoryTierIsKept() {
    engine("defaults:\n  ttl: 60s\n");
    get("/a");
    engine.reconfigure(Policies.compile("""
        defaults:
          ttl: 60s
        rules:
          - name: nocache
            match: {path: {exact: /b}}
            cache: false
        """));
    assertThat(status(get("/a"))).contains("; hit;");
    get("/b");
    assertThat(status(get("/b"))).contains("fwd=bypass");
    assertThat(engine.config().rules()).hasSize(1);
  }

  @Test
  void keyVersionBumpDropsEverythingAndFreesTheMemory() {
    engine("defaults:\n  ttl: 60s\n");
    get("/a");
    engine.reconfigure(Policies.compile("defaults:\n  ttl: 60s\nkeyVersion: 1\n"));
    assertThat(engine.memory().entries()).isZero();
    assertThat(status(get("/a"))).contains("fwd=uri-miss");
    assertThat(engine.inspect(Requests.get("/a")).orElseThrow().get("key").toString()).contains(":v1:");
  }

  @Test
  void changingMaxSizeResizesTheMemoryTier() {
    engine("defaults:\n  ttl: 60s\ntiers:\n  memory:\n    maxSize: 1Mi\n");
    engine.reconfigure(Policies.compile("defaults:\n  ttl: 60s\ntiers:\n  memory:\n    maxSize: 2Mi\n"));
    assertThat(engine.memory().maximumBytes()).isEqualTo(2 * 1024 * 1024);
  }
}
