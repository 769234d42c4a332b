package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VaryTest extends EngineFixture {
  @BeforeEach
  void varyingOrigin() {
    engine("defaults:\n  ttl: 60s\n");
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200, "lang=" + req.headers().first("Accept-Language").orElse("-"),
        "Cache-Control", "max-age=60", "Vary", "Accept-Language"));
  }

  @Test
  void eachVariantIsStoredAndServedToMatchingRequestsOnly() {
    assertThat(status(get("/a", "Accept-Language", "fr"))).contains("fwd=uri-miss");
    assertThat(status(get("/a", "Accept-Language", "de"))).contains("fwd=vary-miss");
    assertThat(body(get("/a", "Accept-Language", "fr"))).isEqualTo("lang=fr");
    assertThat(body(get("/a", "Accept-Language", "de"))).isEqualTo("lang=de");
    assertThat(body(get("/a"))).isEqualTo("lang=-");
    assertThat(origin.calls()).isEqualTo(3);
    assertThat(status(get("/a", "Accept-Language", "de"))).contains("; hit;");
  }

  @Test
  void varyValuesAreHashedIntoTheKey() {
    get("/a", "Accept-Language", "secret-value");
    var key = engine.inspect(Requests.get("/a", "Accept-Language", "secret-value")).orElseThrow().get("key").toString();
    assertThat(key).contains("|v:").doesNotContain("secret-value");
  }

  @Test
  void purgeByKeyDropsEveryVariant() {
    get("/a", "Accept-Language", "fr");
    get("/a", "Accept-Language", "de");
    String primary = engine.inspect(Requests.get("/a", "Accept-Language", "fr")).orElseThrow().get("key").toString();
    primary = primary.substring(0, primary.indexOf("|v:"));
    assertThat(engine.purge(new Purge(Purge.Kind.KEY, java.util.List.of(primary), false))).isEqualTo(2);
  }
}
