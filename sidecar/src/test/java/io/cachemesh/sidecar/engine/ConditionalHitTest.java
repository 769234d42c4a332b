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
 * Client preconditions on GET/HEAD answered from a stored entry, in the order of RFC 9110 13.2.2.
 * Dates are offsets in seconds from the stored Last-Modified, which is an hour before the clock.
 */
class ConditionalHitTest extends EngineFixture {
  private static final String NONE = "";

  /** If-Match, If-Unmodified-Since (offset), If-None-Match, If-Modified-Since (offset), expected status. */
  static Stream<Arguments> matrix() {
    Object[][] cases = {
        {NONE, NONE, NONE, NONE, 200},
        {"\"v1\"", NONE, NONE, NONE, 200},
        {"\"v2\"", NONE, NONE, NONE, 412},
        {"*", NONE, NONE, NONE, 200},
        {"W/\"v1\"", NONE, NONE, NONE, 412},
        {"\"v2\", \"v1\"", NONE, NONE, NONE, 200},
        {NONE, "+60", NONE, NONE, 200},
        {NONE, "+0", NONE, NONE, 200},
        {NONE, "-60", NONE, NONE, 412},
        {NONE, "garbage", NONE, NONE, 200},
        {"\"v1\"", "-60", NONE, NONE, 200},
        {"\"v2\"", "+60", NONE, NONE, 412},
        {"\"v2\"", NONE, "\"v1\"", NONE, 412},
        {NONE, "-60", "\"v1\"", NONE, 412},
        {"\"v1\"", NONE, "\"v1\"", NONE, 304},
        {NONE, "+60", NONE, "+60", 304},
        {NONE, "+60", NONE, "-60", 200},
        {NONE, NONE, "\"v2\"", "+60", 200},
        {NONE, NONE, "W/\"v1\"", NONE, 304},
    };
    List<Arguments> out = new ArrayList<>();
    for (String method : List.of("GET", "HEAD")) {
      for (Object[] c : cases) {
        out.add(Arguments.of(method, c[0], c[1], c[2], c[3], c[4]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} If-Match={1} If-Unmodified-Since={2} If-None-Match={3} If-Modified-Since={4} -> {5}")
  @MethodSource("matrix")
  void preconditionsOnAHitAreEvaluatedInRfc9110Order(String method, String ifMatch, String ifUnmodifiedSince,
      String ifNoneMatch, String ifModifiedSince, int expected) {
    long lastModified = storeVersionOne();
    clock.advanceSeconds(10);

    List<String> headers = new ArrayList<>();
    add(headers, "If-Match", ifMatch);
    add(headers, "If-Unmodified-Since", date(lastModified, ifUnmodifiedSince));
    add(headers, "If-None-Match", ifNoneMatch);
    add(headers, "If-Modified-Since", date(lastModified, ifModifiedSince));
    CacheResponse r = send(Requests.request(method, "/a", headers.toArray(String[]::new)));

    assertThat(r.status()).isEqualTo(expected);
    assertThat(status(r)).contains("hit");
    assertThat(origin.calls()).isEqualTo(1);
    if (expected != 200) {
      assertThat(body(r)).isEmpty();
      assertThat(r.headers().first("ETag")).contains("\"v1\"");
    }
  }

  @Test
  void failedPreconditionOnTheFastPathIsA412() {
    storeVersionOne();

    CacheResponse r = engine.tryServeFromMemory(Requests.get("/a", "If-Match", "\"other\"")).orElseThrow();

    assertThat(r.status()).isEqualTo(412);
    assertThat(status(r)).contains("hit");
  }

  @Test
  void preconditionsAreIgnoredOnAStoredNon2xx() {
    origin.reply(404, "gone", "Cache-Control", "max-age=60", "ETag", "\"v1\"");
    get("/a");

    CacheResponse r = get("/a", "If-Match", "\"other\"");

    assertThat(r.status()).isEqualTo(404);
    assertThat(body(r)).isEqualTo("gone");
  }

  @Test
  void ifMatchOnAMissIsRemovedUpstreamAndEvaluatedAgainstTheFetchedEntry() {
    origin.reply(200, "v1", "Cache-Control", "max-age=60", "ETag", "\"v1\"");

    CacheResponse r = get("/a", "If-Match", "\"other\"");

    assertThat(r.status()).isEqualTo(412);
    assertThat(origin.last().overrides().first("If-Match")).contains("");
    assertThat(get("/a").status()).isEqualTo(200);
    assertThat(origin.calls()).isEqualTo(1);
  }

  /** Stores /a with ETag "v1" and a Last-Modified an hour before now; returns that time. */
  private long storeVersionOne() {
    long lastModified = clock.millis() / 1000 * 1000 - 3_600_000;
    origin.reply(200, "v1", "Cache-Control", "max-age=60", "ETag", "\"v1\"", "Last-Modified", HttpDates.format(lastModified));
    assertThat(get("/a").status()).isEqualTo(200);
    return lastModified;
  }

  private static String date(long base, String offset) {
    if (offset.isEmpty() || !(offset.startsWith("+") || offset.startsWith("-"))) {
      return offset;
    }
    return HttpDates.format(base + Long.parseLong(offset) * 1000);
  }
}
