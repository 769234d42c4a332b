package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Two users must never see each other's response, whatever the headers, cookies and query strings. */
class IdentityIsolationTest extends EngineFixture {

  /** The origin personalises on everything identity-like, as an application would. */
  private void personalisingOrigin(String cacheControl) {
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200,
        "auth=" + req.headers().first("Authorization").orElse("-")
            + " cookie=" + req.headers().first("Cookie").orElse("-")
            + " q=" + req.rawQuery(),
        "Cache-Control", cacheControl));
  }

  static Stream<Arguments> policies() {
    return Stream.of(
        Arguments.of("shared-defaults", "defaults:\n  ttl: 60s\n"),
        Arguments.of("vary-authorization", "defaults:\n  ttl: 60s\n  scope: PerUser\n  varyBy:\n    headers: [Authorization]\n"),
        Arguments.of("named-cookie", "defaults:\n  ttl: 60s\n  varyBy:\n    cookies: [session]\n"),
        Arguments.of("vary-cookie-header", "defaults:\n  ttl: 60s\n  scope: PerUser\n  varyBy:\n    headers: [Cookie, Authorization]\n"),
        Arguments.of("per-user", "defaults:\n  ttl: 60s\n  scope: PerUser\n"),
        Arguments.of("ignore-query", "defaults:\n  ttl: 60s\n  scope: PerUser\n  varyBy:\n    query: {ignore: true}\n    cookies: [session]\n    headers: [authorization]\n"));
  }

  static final List<String[]> USERS = List.of(
      new String[] {},
      new String[] {"Authorization", "Bearer alice"},
      new String[] {"Authorization", "Bearer bob"},
      new String[] {"Cookie", "session=alice"},
      new String[] {"Cookie", "session=bob"},
      new String[] {"Cookie", "session=alice; theme=dark"},
      new String[] {"Cookie", "session=bob; theme=dark"},
      new String[] {"Authorization", "Bearer alice", "Cookie", "session=alice"},
      new String[] {"Authorization", "Bearer bob", "Cookie", "session=alice"});

  @ParameterizedTest(name = "{0}, origin {2}")
  @MethodSource("matrix")
  void noUserEverReceivesAResponsePersonalisedForAnother(String name, String policy, String cacheControl) {
    engine(policy);
    personalisingOrigin(cacheControl);
    for (int round = 0; round < 2; round++) {
      for (String query : List.of("/page", "/page?x=1")) {
        for (String[] user : USERS) {
          CacheResponse r = get(query, user);
          String auth = value(user, "Authorization");
          String cookie = value(user, "Cookie");
          String b = body(r);
          assertThat(b).as("user %s %s on %s under %s", auth, cookie, query, name)
              .startsWith("auth=" + auth + " cookie=" + cookie + " ");
        }
      }
    }
  }

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (Arguments p : policies().toList()) {
      for (String cc : List.of("max-age=60", "public, max-age=60", "s-maxage=60", "max-age=60, must-revalidate")) {
        out.add(Arguments.of(p.get()[0], p.get()[1], cc));
      }
    }
    return out.stream();
  }

  private static String value(String[] headers, String name) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equals(name)) {
        return headers[i + 1];
      }
    }
    return "-";
  }

  @Test
  void requestWithAuthorizationIsNeverServedFromSharedCache() {
    engine("defaults:\n  ttl: 60s\n");
    get("/a");
    CacheResponse r = get("/a", "Authorization", "Bearer x");
    assertThat(status(r)).isEqualTo("cachemesh; fwd=bypass; fwd-status=200; detail=authorization; rule=\"default\"");
    assertThat(origin.calls()).isEqualTo(2);
    get("/b", "Authorization", "Bearer x");
    get("/b");
    assertThat(origin.calls()).isEqualTo(4);
  }

  @Test
  void requestWithUnkeyedCookieBypasses() {
    engine("defaults:\n  ttl: 60s\n");
    assertThat(status(get("/a", "Cookie", "sid=1"))).contains("fwd=bypass").contains("detail=cookie");
  }

  @Test
  void namedCookiesAreKeyedAndAnUnnamedCookieAlongsideBypasses() {
    engine("defaults:\n  ttl: 60s\n  varyBy:\n    cookies: [lang]\n");
    get("/a", "Cookie", "lang=fr");
    assertThat(status(get("/a", "Cookie", "lang=fr"))).contains("; hit;");
    assertThat(status(get("/a", "Cookie", "lang=de"))).contains("fwd=uri-miss");
    assertThat(status(get("/a", "Cookie", "lang=fr; sid=secret"))).contains("fwd=bypass; fwd-status=200; detail=cookie");
  }

  @Test
  void keyingOnAuthorizationWithoutPerUserScopeIsRefusedSoNoSharedScopeEntryHoldsAPersonalResponse() {
    // Once allowed with a public response; the compiler now refuses it outright (crds validation).
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine("defaults:\n  ttl: 60s\n  varyBy:\n    headers: [authorization]\n"))
        .hasMessageContaining("varyBy.headers[0]").hasMessageContaining("requires scope: PerUser");
  }

  @Test
  void perUserScopeStoresAuthorizedResponsesPerIdentity() {
    engine("defaults:\n  ttl: 60s\n  scope: PerUser\n");
    get("/a", "Authorization", "Bearer a");
    assertThat(status(get("/a", "Authorization", "Bearer a"))).contains("; hit;");
    assertThat(status(get("/a", "Authorization", "Bearer b"))).contains("fwd=uri-miss");
  }

  @Test
  void identityValuesEnterKeysOnlyAsHashes() {
    engine("defaults:\n  ttl: 60s\n  scope: PerUser\n  varyBy:\n    cookies: [session]\n    headers: [authorization]\n");
    CacheRequest r = Requests.loopback(Requests.get("/a", "Authorization", "Bearer topsecret", "Cookie", "session=sessionsecret", "Cache-Debug", "1"));
    String key = engine.handle(r, origin).headers().first("Cache-Key").orElseThrow();
    assertThat(key).doesNotContain("topsecret").doesNotContain("sessionsecret").contains("|h:authorization=").contains("|u:");
    assertThat(engine.inspect(r).orElseThrow().get("key").toString()).doesNotContain("topsecret").doesNotContain("sessionsecret");
  }

  @Test
  void headersOutsideTheKeyNeverChangeWhatIsStored() {
    engine("defaults:\n  ttl: 60s\n");
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200, "host=" + req.headers().first("X-Forwarded-Host").orElse("-"),
        "Cache-Control", "max-age=60"));
    get("/a");
    assertThat(body(get("/a", "X-Forwarded-Host", "evil.example", "X-Original-URL", "/admin"))).isEqualTo("host=-");
  }

  @Test
  void varyByHeaderMakesSeparateEntries() {
    engine("defaults:\n  ttl: 60s\n  varyBy:\n    headers: [X-Device]\n");
    origin.script((req, o) -> ScriptedOrigin.Reply.of(200, req.headers().first("X-Device").orElse("none"), "Cache-Control", "max-age=60"));
    get("/a", "X-Device", "mobile");
    get("/a", "X-Device", "desktop");
    assertThat(body(get("/a", "X-Device", "mobile"))).isEqualTo("mobile");
    assertThat(body(get("/a", "X-Device", "desktop"))).isEqualTo("desktop");
    assertThat(body(get("/a"))).isEqualTo("none");
    assertThat(origin.calls()).isEqualTo(3);
  }
}
