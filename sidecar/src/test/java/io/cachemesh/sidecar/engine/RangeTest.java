package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.semantics.HttpDates;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Range requests answered from a stored 200 of ten bytes ({@code 0123456789}, ETag "v1", a
 * Last-Modified an hour before the clock): 206 for one byte range, 416 past the end, the whole 200
 * for anything else; the client's Range never reaches the origin on a fetch that fills the cache.
 */
class RangeTest extends EngineFixture {
  private static final String BODY = "0123456789";
  private static final String NONE = "";
  /** Stands for the stored Last-Modified in the If-Range column. */
  private static final String LAST_MODIFIED = "last-modified";
  private static final String ONE_SECOND_LATER = "last-modified+1s";

  /** Range, If-Range, expected status, Content-Range (none for 200), body of the GET. */
  static Stream<Arguments> matrix() {
    Object[][] cases = {
        {NONE, NONE, 200, null, BODY},
        {"bytes=0-3", NONE, 206, "bytes 0-3/10", "0123"},
        {"bytes=2-", NONE, 206, "bytes 2-9/10", "23456789"},
        {"bytes=-3", NONE, 206, "bytes 7-9/10", "789"},
        {"bytes=5-100", NONE, 206, "bytes 5-9/10", "56789"},
        {"bytes=-100", NONE, 206, "bytes 0-9/10", BODY},
        {"bytes=9-9", NONE, 206, "bytes 9-9/10", "9"},
        {"Bytes = 0-0", NONE, 206, "bytes 0-0/10", "0"},
        {"bytes=, 4-5", NONE, 206, "bytes 4-5/10", "45"},
        {"bytes=10-", NONE, 416, "bytes */10", NONE},
        {"bytes=10-20", NONE, 416, "bytes */10", NONE},
        {"bytes=-0", NONE, 416, "bytes */10", NONE},
        {"bytes=99999999999999999999999-", NONE, 416, "bytes */10", NONE},
        {"bytes=0-1,4-5", NONE, 200, null, BODY},
        {"bytes=0-1, 20-30", NONE, 200, null, BODY},
        {"bytes=3-1", NONE, 200, null, BODY},
        {"bytes=abc", NONE, 200, null, BODY},
        {"bytes=1-x", NONE, 200, null, BODY},
        {"bytes= 1 - 2", NONE, 200, null, BODY},
        {"bytes=", NONE, 200, null, BODY},
        {"bytes", NONE, 200, null, BODY},
        {"items=0-1", NONE, 200, null, BODY},
        {"bytes=0-3", "\"v1\"", 206, "bytes 0-3/10", "0123"},
        {"bytes=0-3", "\"v2\"", 200, null, BODY},
        {"bytes=0-3", "W/\"v1\"", 200, null, BODY},
        {"bytes=0-3", LAST_MODIFIED, 206, "bytes 0-3/10", "0123"},
        {"bytes=0-3", ONE_SECOND_LATER, 200, null, BODY},
        {"bytes=0-3", "garbage", 200, null, BODY},
        {"bytes=10-", "\"v2\"", 200, null, BODY},
        {NONE, "\"v1\"", 200, null, BODY},
    };
    List<Arguments> out = new ArrayList<>();
    for (String method : List.of("GET", "HEAD")) {
      for (Object[] c : cases) {
        out.add(Arguments.of(method, c[0], c[1], c[2], c[3], c[4]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} Range={1} If-Range={2} -> {3} {4}")
  @MethodSource("matrix")
  void aRangeOnAHitIsServedFromTheStored200(String method, String range, String ifRange, int expected,
      String contentRange, String expectedBody) {
    long lastModified = storeTenBytes("\"v1\"");
    clock.advanceSeconds(10);

    List<String> headers = new ArrayList<>();
    add(headers, "Range", range);
    add(headers, "If-Range", switch (ifRange) {
      case LAST_MODIFIED -> HttpDates.format(lastModified);
      case ONE_SECOND_LATER -> HttpDates.format(lastModified + 1000);
      default -> ifRange;
    });
    CacheResponse r = send(Requests.request(method, "/a", headers.toArray(String[]::new)));

    if (method.equals("HEAD")) {
      // RFC 9110 14.2: Range is defined for GET only; HEAD describes the whole 200.
      assertThat(r.status()).isEqualTo(200);
      assertThat(status(r)).contains("hit");
      assertThat(r.headers().contains("Content-Range")).isFalse();
      assertThat(body(r)).isEqualTo(NONE);
      assertThat(r.headers().first("Content-Length")).contains(Integer.toString(BODY.length()));
      assertThat(origin.calls()).isEqualTo(1);
      return;
    }
    assertThat(r.status()).isEqualTo(expected);
    assertThat(status(r)).contains("hit");
    assertThat(r.headers().first("Content-Range").orElse(null)).isEqualTo(contentRange);
    assertThat(body(r)).isEqualTo(expectedBody);
    assertThat(r.headers().first("Content-Length")).contains(Integer.toString(expectedBody.length()));
    if (expected == 206) {
      assertThat(r.headers().first("ETag")).contains("\"v1\"");
      assertThat(r.headers().first("Content-Type")).contains("text/plain");
    }
    if (expected == 416) {
      assertThat(r.headers().contains("ETag")).isFalse();
      assertThat(r.headers().contains("Cache-Control")).isFalse();
    }
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void aRangeOnTheFastPathIsA206() {
    storeTenBytes("\"v1\"");

    CacheResponse r = engine.tryServeFromMemory(Requests.get("/a", "Range", "bytes=1-2")).orElseThrow();

    assertThat(r.status()).isEqualTo(206);
    assertThat(body(r)).isEqualTo("12");
  }

  @Test
  void aRangeOnAMissIsNotForwardedAndIsCutFromTheStoredWholeResponse() {
    origin.reply(200, BODY, "Content-Type", "text/plain", "Cache-Control", "max-age=60", "Content-Length", "10",
        "ETag", "\"v1\"");

    CacheResponse miss = get("/a", "Range", "bytes=0-1", "If-Range", "\"v1\"");
    CacheResponse hit = get("/a");

    assertThat(origin.last().header("Range")).isNull();
    assertThat(origin.last().header("If-Range")).isNull();
    assertThat(miss.status()).isEqualTo(206);
    assertThat(status(miss)).contains("fwd=uri-miss");
    assertThat(body(miss)).isEqualTo("01");
    assertThat(miss.headers().all("Content-Length")).containsExactly("2");
    assertThat(hit.status()).isEqualTo(200);
    assertThat(body(hit)).isEqualTo(BODY);
    assertThat(origin.calls()).isEqualTo(1);
  }

  @Test
  void a206FromTheOriginIsPassedOnButNeverStored() {
    origin.reply(206, "01", "Content-Type", "text/plain", "Cache-Control", "max-age=60", "Content-Range", "bytes 0-1/10");

    CacheResponse first = get("/a", "Range", "bytes=0-1");
    CacheResponse second = get("/a");

    assertThat(first.status()).isEqualTo(206);
    assertThat(body(first)).isEqualTo("01");
    assertThat(second.status()).isEqualTo(206);
    assertThat(status(second)).doesNotContain("hit");
    assertThat(origin.calls()).isEqualTo(2);
  }

  @Test
  void aSatisfiedConditionalWinsOverTheRange() {
    storeTenBytes("\"v1\"");

    CacheResponse r = get("/a", "Range", "bytes=0-1", "If-None-Match", "\"v1\"");

    assertThat(r.status()).isEqualTo(304);
    assertThat(r.headers().contains("Content-Range")).isFalse();
  }

  static Stream<Arguments> wholeResponses() {
    return Stream.of(
        Arguments.of("weak stored ETag never satisfies If-Range", 200, BODY, "W/\"v1\"",
            new String[] {"Range", "bytes=0-1", "If-Range", "W/\"v1\""}),
        Arguments.of("stored 404", 404, "not here", "\"v1\"", new String[] {"Range", "bytes=0-1"}),
        Arguments.of("empty body", 200, NONE, "\"v1\"", new String[] {"Range", "bytes=-5"}),
        Arguments.of("two Range fields", 200, BODY, "\"v1\"", new String[] {"Range", "bytes=0-1", "Range", "bytes=2-3"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wholeResponses")
  void theseRangeRequestsGetTheWholeStoredResponse(String name, int storedStatus, String storedBody, String etag,
      String[] requestHeaders) {
    origin.reply(storedStatus, storedBody, "Content-Type", "text/plain", "Cache-Control", "max-age=60", "ETag", etag);
    get("/a");

    CacheResponse r = get("/a", requestHeaders);

    assertThat(r.status()).isEqualTo(storedStatus);
    assertThat(body(r)).isEqualTo(storedBody);
    assertThat(r.headers().contains("Content-Range")).isFalse();
    assertThat(status(r)).contains("hit");
  }

  /** Stores /a: ten bytes with this ETag and a Last-Modified an hour before now; returns that time. */
  private long storeTenBytes(String etag) {
    long lastModified = clock.millis() / 1000 * 1000 - 3_600_000;
    origin.reply(200, BODY, "Content-Type", "text/plain", "Cache-Control", "max-age=60", "Content-Length", "10",
        "ETag", etag, "Last-Modified", HttpDates.format(lastModified));
    assertThat(get("/a").status()).isEqualTo(200);
    return lastModified;
  }
}
