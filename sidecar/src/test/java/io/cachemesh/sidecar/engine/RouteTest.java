package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.origin.OriginTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** What the IO thread does with a request, and what a relayed request's plan says and counts. */
class RouteTest extends EngineFixture {
  private static final HeaderList NO_STORE = HeaderList.of("Cache-Control", "no-store", "Content-Length", "2");
  private static final HeaderList CACHEABLE = HeaderList.of("Cache-Control", "max-age=60", "Content-Length", "2");

  private Route route(CacheRequest request) {
    return engine.route(request);
  }

  private RelayPlan relayed(CacheRequest request) {
    Route route = route(request);
    assertThat(route).isInstanceOf(Route.Relay.class);
    return ((Route.Relay) route).plan();
  }

  @Test
  void freshMemoryHitIsServedOnTheIoThread() {
    get("/a");

    Route route = route(Requests.get("/a"));

    assertThat(route).isInstanceOf(Route.Serve.class);
    assertThat(status(((Route.Serve) route).response())).contains("; hit;");
  }

  @Test
  void missAndUnsafeMethodTakeTheFullPath() {
    assertThat(route(Requests.get("/never-seen"))).isEqualTo(Route.FULL);
    assertThat(route(Requests.request("POST", "/a"))).isEqualTo(Route.FULL);
    assertThat(route(Requests.request("DELETE", "/a"))).isEqualTo(Route.FULL);
  }

  @Test
  void bypassedRequestIsRelayedLabelledAndCountedAsABypass() {
    RelayPlan plan = relayed(Requests.get("/a", "Authorization", "Bearer x"));

    HeaderList fields = plan.respond(200, HeaderList.of("X-App", "1", "Content-Length", "2"), 2, clock.millis());

    assertThat(fields.first("Cache-Status").orElseThrow()).contains("fwd=bypass; fwd-status=200").contains("detail=authorization");
    assertThat(fields.first("X-App")).hasValue("1");
    assertThat(requests("bypass")).isEqualTo(1);
    assertThat(origin.calls()).as("the relay, not the engine, talks to the origin").isZero();
  }

  @Test
  void optionsIsRelayedAsAMethodBypass() {
    HeaderList fields = relayed(Requests.request("OPTIONS", "/a")).respond(204, HeaderList.EMPTY, 0, clock.millis());

    assertThat(fields.first("Cache-Status").orElseThrow()).contains("fwd=method");
  }

  @Test
  void keyKnownUncacheableIsRelayedUntilTheOriginSaysStorableThenFillsTheCacheAgain() {
    origin.reply(200, "no", "Cache-Control", "no-store");
    get("/u");
    assertThat(origin.calls()).isEqualTo(1);

    HeaderList stillNot = relayed(Requests.get("/u")).respond(200, NO_STORE, 2, clock.millis());
    assertThat(stillNot.first("Cache-Status").orElseThrow()).contains("fwd=uri-miss").contains("detail=no-store");

    HeaderList nowStorable = relayed(Requests.get("/u")).respond(200, CACHEABLE, 2, clock.millis());
    assertThat(nowStorable.first("Cache-Status").orElseThrow()).contains("detail=hit-for-miss");

    assertThat(route(Requests.get("/u"))).as("the mark is gone: an ordinary miss").isEqualTo(Route.FULL);
    origin.reply(200, "ok", "Cache-Control", "max-age=60");
    get("/u");
    assertThat(route(Requests.get("/u"))).isInstanceOf(Route.Serve.class);
  }

  @Test
  void partialOrNotModifiedAnswersNeitherClearNorRefreshTheMark() {
    origin.reply(200, "no", "Cache-Control", "no-store");
    get("/u");
    clock.advance(HitForMiss.WINDOW.minusSeconds(1));

    relayed(Requests.get("/u", "If-None-Match", "\"v1\"")).respond(304, HeaderList.of("ETag", "\"v1\""), 0, clock.millis());
    clock.advanceSeconds(2);

    assertThat(route(Requests.get("/u"))).as("a 304 did not refresh the mark, which expired").isEqualTo(Route.FULL);
  }

  @Test
  void uncacheableAnswersRefreshTheMark() {
    origin.reply(200, "no", "Cache-Control", "no-store");
    get("/u");
    clock.advance(HitForMiss.WINDOW.minusSeconds(1));

    relayed(Requests.get("/u")).respond(200, NO_STORE, 2, clock.millis());
    clock.advanceSeconds(2);

    assertThat(route(Requests.get("/u"))).isInstanceOf(Route.Relay.class);
  }

  @Test
  void onlyIfCachedOnAnUncacheableKeyTakesTheFullPath() {
    origin.reply(200, "no", "Cache-Control", "no-store");
    get("/u");

    assertThat(route(Requests.get("/u", "Cache-Control", "only-if-cached"))).isEqualTo(Route.FULL);
  }

  @Test
  void relayFailuresBecomeGatewayErrorsLabelledAsTheFullPathWouldBe() {
    origin.reply(200, "no", "Cache-Control", "no-store");
    get("/u");

    CacheResponse refused = relayed(Requests.get("/u")).failed(new ConnectException("refused"));
    CacheResponse timedOut = relayed(Requests.get("/u")).failed(new OriginTimeoutException("slow"));
    CacheResponse bypassFailed = relayed(Requests.get("/u", "Authorization", "Bearer x")).failed(new IOException("reset"));

    assertThat(refused.status()).isEqualTo(502);
    assertThat(status(refused)).contains("detail=origin-unreachable");
    assertThat(timedOut.status()).isEqualTo(504);
    assertThat(status(timedOut)).contains("detail=origin-timeout");
    assertThat(bypassFailed.status()).isEqualTo(502);
    assertThat(status(bypassFailed)).contains("fwd=bypass");
    assertThat(requests("error")).isEqualTo(2);
  }

  @Test
  void aYoungMarkIsNotRenewedSoItLapsesOneWindowAfterItWasSet() {
    origin.reply(200, "no", "Cache-Control", "no-store");
    get("/u");
    clock.advanceSeconds(5);

    relayed(Requests.get("/u")).respond(200, NO_STORE, 2, clock.millis());
    clock.advance(HitForMiss.WINDOW.minusSeconds(4));

    assertThat(route(Requests.get("/u"))).as("renewed only once half the window has gone").isEqualTo(Route.FULL);
  }
}
