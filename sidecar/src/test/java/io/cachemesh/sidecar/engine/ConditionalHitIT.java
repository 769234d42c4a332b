package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client preconditions answered from the cache over real sockets: 412, 304 and 200 from one stored entry. */
class ConditionalHitIT {
  private TestOrigin origin;
  private SidecarFixture sidecar;

  @BeforeEach
  void start() throws Exception {
    origin = new TestOrigin().route("/doc", (ex, body) -> {
      ex.getResponseHeaders().set("Cache-Control", "max-age=60");
      ex.getResponseHeaders().set("ETag", "\"v1\"");
      ex.getResponseHeaders().set("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
      TestOrigin.respond(ex, 200, "text/plain", "version one".getBytes());
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
}
