package io.cachemesh.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.testing.RawHttp;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Requests a cache and an origin could read differently never get past the sidecar. */
class MalformedRequestIT {
  private static TestOrigin origin;
  private static SidecarFixture sidecar;

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
    sidecar = SidecarFixture.standalone(origin.url());
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    origin.close();
  }

  static Stream<Arguments> malformed() {
    String huge = "X-Big: " + "a".repeat(20_000) + "\r\n";
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    return Stream.of(
        Arguments.of("content-length and chunked (CL.TE smuggling)",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("chunked and content-length (TE.CL smuggling)",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("obfuscated transfer coding",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("two transfer codings",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("conflicting content lengths",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        Arguments.of("non-numeric content length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400),
        Arguments.of("negative content length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
        Arguments.of("body larger than allowed",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999\r\n\r\n", 413),
        Arguments.of("missing host", "GET / HTTP/1.1\r\n\r\n", 400),
        Arguments.of("two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of("host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Arguments.of("host with a user", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
        Arguments.of("garbage request line", "HELLO\r\n\r\n", 400),
        Arguments.of("space in the target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("control character in the target", "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("header without colon", "GET / HTTP/1.1\r\nHost: a\r\nBroken\r\n\r\n", 400),
        Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n", 400),
        Arguments.of("huge header", "GET / HTTP/1.1\r\nHost: a\r\n" + huge + "\r\n", 400),
        Arguments.of("too many headers", "GET / HTTP/1.1\r\nHost: a\r\n" + many + "\r\n", 400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void isRefusedWithoutReachingTheOrigin(String name, String request, int expectedStatus) throws Exception {
    int before = origin.totalHits();

    String response = RawHttp.exchange(sidecar.sidecar.proxyAddress(), request);

    assertThat(RawHttp.status(response)).as(response).isEqualTo(expectedStatus);
    assertThat(origin.totalHits()).isEqualTo(before);
  }

  @Test
  void wellFormedRequestOnTheSameListenerStillReachesTheOrigin() throws Exception {
    int before = origin.totalHits();
    String response = RawHttp.exchange(sidecar.sidecar.proxyAddress(), "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(RawHttp.status(response)).isEqualTo(200);
    assertThat(origin.totalHits()).isEqualTo(before + 1);
  }

  @Test
  void rejectionsAreCountedByReason() throws Exception {
    RawHttp.exchange(sidecar.sidecar.proxyAddress(),
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n");
    String metrics = sidecar.get(sidecar.ops("/metrics")).body();
    assertThat(metrics).containsPattern("cachemesh_rejected_requests_total\\{reason=\"transfer_encoding\"} [1-9]");
  }

  @Test
  void obsoleteLineFoldingIsReplacedBySpaceBeforeForwarding() throws Exception {
    origin.seen.clear();
    String response = RawHttp.exchange(sidecar.sidecar.proxyAddress(),
        "GET /fold HTTP/1.1\r\nHost: a\r\nX-Folded: b\r\n  c\r\n\r\n");

    assertThat(RawHttp.status(response)).isEqualTo(200);
    assertThat(origin.seen.take().header("X-Folded")).doesNotContain("\r", "\n").startsWith("b").endsWith("c");
  }
}
