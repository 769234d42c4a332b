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

/** Range requests over real sockets: the miss fetches the whole object, then 206/416/200 come from the cache. */
class RangeIT {
  private static final String BODY = "abcdefghijklmnopqrstuvwxyz";
  private final List<String> rangesSeenByOrigin = new CopyOnWriteArrayList<>();
  private TestOrigin origin;
  private SidecarFixture sidecar;

  @BeforeEach
  void start() throws Exception {
    origin = new TestOrigin().route("/file", (ex, body) -> {
      rangesSeenByOrigin.add(String.valueOf(ex.getRequestHeaders().getFirst("Range")));
      ex.getResponseHeaders().set("Cache-Control", "max-age=60");
      ex.getResponseHeaders().set("ETag", "\"v1\"");
      TestOrigin.respond(ex, 200, "text/plain", BODY.getBytes(StandardCharsets.US_ASCII));
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
  void rangesAreCutFromTheCachedObjectAndNeverForwarded() throws Exception {
    HttpResponse<String> miss = send("GET", "bytes=0-4", null);
    HttpResponse<String> suffix = send("GET", "bytes=-3", null);
    HttpResponse<String> head = send("HEAD", "bytes=10-", null);
    HttpResponse<String> past = send("GET", "bytes=26-", null);
    HttpResponse<String> several = send("GET", "bytes=0-1,3-4", null);
    HttpResponse<String> otherVersion = send("GET", "bytes=0-4", "\"v0\"");

    assertThat(miss.statusCode()).isEqualTo(206);
    assertThat(miss.body()).isEqualTo("abcde");
    assertThat(miss.headers().firstValue("Content-Range")).contains("bytes 0-4/26");
    assertThat(miss.headers().firstValue("Content-Length")).contains("5");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo("xyz");
    assertThat(suffix.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(head.statusCode()).isEqualTo(206);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Range")).contains("bytes 10-25/26");
    assertThat(head.headers().firstValue("Content-Length")).contains("16");
    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("Content-Range")).contains("bytes */26");
    assertThat(several.statusCode()).isEqualTo(200);
    assertThat(several.body()).isEqualTo(BODY);
    assertThat(otherVersion.statusCode()).isEqualTo(200);
    assertThat(otherVersion.body()).isEqualTo(BODY);
    assertThat(rangesSeenByOrigin).containsExactly("null");
  }

  private HttpResponse<String> send(String method, String range, String ifRange) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(sidecar.proxy("/file")).header("Range", range)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (ifRange != null) {
      b.header("If-Range", ifRange);
    }
    return sidecar.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
