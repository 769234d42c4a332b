package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client preconditions and ranges answered from the cache over real sockets: 412, 304 and 200 from
 * one stored entry; 206, 416 and 200 for Range requests, whose miss fetches the whole object.
 */
class ConditionalHitIT {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";
  private final List<String> rangesSeenByOrigin = new CopyOnWriteArrayList<>();
  private TestOrigin origin;
  private SidecarFixture sidecar;

  @BeforeEach
  void start() throws Exception {
    origin = new TestOrigin().route("/doc", (ex, body) -> {
      ex.getResponseHeaders().set("Cache-Control", "max-age=60");
      ex.getResponseHeaders().set("ETag", "\"v1\"");
      ex.getResponseHeaders().set("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
      TestOrigin.respond(ex, 200, "text/plain", "version one".getBytes());
    }).route("/file", (ex, body) -> {
      rangesSeenByOrigin.add(String.valueOf(ex.getRequestHeaders().getFirst("Range")));
      ex.getResponseHeaders().set("Cache-Control", "max-age=60");
      ex.getResponseHeaders().set("ETag", "\"v1\"");
      TestOrigin.respond(ex, 200, "text/plain", ALPHABET.getBytes(StandardCharsets.US_ASCII));
    });
    sidecar = SidecarFixture.caching(
        SidecarFixture.options(origin.url(), null, SidecarFixture.FAST_TIMEOUTS), SidecarFixture.compile(SidecarFixture.DEV_POLICY));
  }

  @AfterEach
  void stop() {
    sidecar.close();
    origin.close();
  }

  @Test
  void failedIfMatchAndIfUnmodifiedSinceAre412FromTheCacheWithoutReachingTheOrigin() throws Exception {
    assertThat(sidecar.get(sidecar.proxy("/doc")).statusCode()).isEqualTo(200);

    HttpResponse<String> ifMatch = send("If-Match", "\"v0\"");
    HttpResponse<String> ifUnmodified = send("If-Unmodified-Since", "Sat, 05 Nov 1994 08:49:37 GMT");
    HttpResponse<String> matching = send("If-Match", "\"v1\"");
    HttpResponse<String> notModified = send("If-None-Match", "\"v1\"");

    assertThat(ifMatch.statusCode()).isEqualTo(412);
    assertThat(ifMatch.body()).isEmpty();
    assertThat(ifMatch.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(ifUnmodified.statusCode()).isEqualTo(412);
    assertThat(matching.statusCode()).isEqualTo(200);
    assertThat(matching.body()).isEqualTo("version one");
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(origin.hits("/doc")).isEqualTo(1);
  }

  private HttpResponse<String> send(String name, String value) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(sidecar.proxy("/doc")).header(name, value).GET().build();
    return sidecar.client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void rangesAreCutFromTheCachedObjectAndNeverForwarded() throws Exception {
    HttpResponse<String> miss = range("GET", "bytes=0-4", null);
    HttpResponse<String> suffix = range("GET", "bytes=-3", null);
    HttpResponse<String> head = range("HEAD", "bytes=10-", null);
    HttpResponse<String> past = range("GET", "bytes=26-", null);
    HttpResponse<String> several = range("GET", "bytes=0-1,3-4", null);
    HttpResponse<String> otherVersion = range("GET", "bytes=0-4", "\"v0\"");

    assertThat(miss.statusCode()).isEqualTo(206);
    assertThat(miss.body()).isEqualTo("abcde");
    assertThat(miss.headers().firstValue("Content-Range")).contains("bytes 0-4/26");
    assertThat(miss.headers().firstValue("Content-Length")).contains("5");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo("xyz");
    assertThat(suffix.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Range")).isEmpty();
    assertThat(head.headers().firstValue("Content-Length")).contains("26");
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("Content-Range")).contains("bytes */26");
    assertThat(several.statusCode()).isEqualTo(200);
    assertThat(several.body()).isEqualTo(ALPHABET);
    assertThat(otherVersion.statusCode()).isEqualTo(200);
    assertThat(otherVersion.body()).isEqualTo(ALPHABET);
    assertThat(rangesSeenByOrigin).containsExactly("null");
  }

  private HttpResponse<String> range(String method, String range, String ifRange) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(sidecar.proxy("/file")).header("Range", range)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (ifRange != null) {
      b.header("If-Range", ifRange);
    }
    return sidecar.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
