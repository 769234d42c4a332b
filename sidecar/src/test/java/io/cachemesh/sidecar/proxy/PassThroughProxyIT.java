package io.cachemesh.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.testing.RawHttp;
import io.cachemesh.sidecar.testing.RawOrigin;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PassThroughProxyIT {
  private static final byte[] LARGE = new byte[8 << 20];

  static {
    new Random(42).nextBytes(LARGE);
  }

  private TestOrigin origin;
  private SidecarFixture sidecar;

  @BeforeEach
  void start() throws Exception {
    origin = new TestOrigin()
        .route("/status", (ex, body) -> {
          ex.getResponseHeaders().add("X-App", "one");
          ex.getResponseHeaders().add("X-App", "two");
          TestOrigin.respond(ex, 201, "application/json", "{\"created\":true}".getBytes());
        })
        .route("/large-chunked", (ex, body) -> {
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            for (int off = 0; off < LARGE.length; off += 64 * 1024) {
              out.write(LARGE, off, 64 * 1024);
            }
          }
        })
        .route("/large-fixed", (ex, body) -> TestOrigin.respond(ex, 200, "application/octet-stream", LARGE))
        .route("/echo", (ex, body) -> TestOrigin.respond(ex, 200, "application/octet-stream", sha256(body)));
    sidecar = SidecarFixture.standalone(origin.url());
  }

  @AfterEach
  void stop() {
    sidecar.close();
    origin.close();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void statusHeadersAndBodyOfTheOriginReachTheClient() throws Exception {
    HttpResponse<String> response = sidecar.get(sidecar.proxy("/status?a=1"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("{\"created\":true}");
    assertThat(response.headers().allValues("X-App")).containsExactly("one", "two");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Status")).hasValue(PassThroughEngine.CACHE_STATUS);
    assertThat(response.headers().firstValue("Via")).hasValue("1.1 cachemesh");
    assertThat(origin.seen.take().uri()).isEqualTo("/status?a=1");
  }

  @Test
  void largeChunkedBodyStreamsThroughIntact() throws Exception {
    HttpResponse<byte[]> response = sidecar.client.send(
        HttpRequest.newBuilder(sidecar.proxy("/large-chunked")).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).isEmpty();
    assertThat(sha256(response.body())).isEqualTo(sha256(LARGE));
  }

  @Test
  void largeFixedLengthBodyKeepsItsContentLength() throws Exception {
    HttpResponse<byte[]> response = sidecar.client.send(
        HttpRequest.newBuilder(sidecar.proxy("/large-fixed")).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(LARGE.length));
    assertThat(sha256(response.body())).isEqualTo(sha256(LARGE));
  }

  @Test
  void fixedLengthPostBodyReachesTheOrigin() throws Exception {
    byte[] body = new byte[300_000];
    new Random(7).nextBytes(body);
    HttpResponse<byte[]> response = sidecar.client.send(
        HttpRequest.newBuilder(sidecar.proxy("/echo")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.body()).isEqualTo(sha256(body));
    TestOrigin.Seen seen = origin.seen.take();
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.header("Content-Length")).isEqualTo("300000");
  }

  @Test
  void chunkedPostBodyIsForwardedChunked() throws Exception {
    String request = "POST /echo HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    String response = RawHttp.exchange(sidecar.sidecar.proxyAddress(), request);

    assertThat(RawHttp.status(response)).isEqualTo(200);
    TestOrigin.Seen seen = origin.seen.take();
    assertThat(new String(seen.body())).isEqualTo("hello world");
    assertThat(seen.header("Transfer-Encoding")).isEqualTo("chunked");
  }

  @Test
  void hopByHopRequestFieldsAreRemovedAndForwardingFieldsAdded() throws Exception {
    String request = "GET /status HTTP/1.1\r\nHost: Shop.Example:80\r\n"
        + "Connection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
        + "Proxy-Authorization: Basic abc\r\nUpgrade: websocket\r\n"
        + "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Host: evil.example\r\nVia: 1.1 edge\r\nX-Kept: yes\r\n\r\n";
    assertThat(RawHttp.status(RawHttp.exchange(sidecar.sidecar.proxyAddress(), request))).isEqualTo(201);

    TestOrigin.Seen seen = origin.seen.take();
    assertThat(seen.header("X-Secret-Hop")).isNull();
    assertThat(seen.header("Keep-Alive")).isNull();
    assertThat(seen.header("TE")).isNull();
    assertThat(seen.header("Proxy-Authorization")).isNull();
    assertThat(seen.header("Upgrade")).isNull();
    assertThat(seen.header("X-Kept")).isEqualTo("yes");
    assertThat(seen.header("Host")).isEqualTo("shop.example");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("shop.example");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("Via")).isEqualTo("1.1 edge, 1.1 cachemesh");
  }

  @Test
  void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", sidecar.sidecar.proxyAddress().getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("POST /echo HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n".getBytes());
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(RawOrigin.readHead(in)).startsWith("HTTP/1.1 100");
      out.write("hello".getBytes());
      out.flush();
      assertThat(RawOrigin.readHead(in)).startsWith("HTTP/1.1 200");
    }
    TestOrigin.Seen seen = origin.seen.take();
    assertThat(new String(seen.body())).isEqualTo("hello");
    assertThat(seen.header("Expect")).isNull();
  }

  @Test
  void cacheStatusOfACacheBehindIsKeptAfterOurs() throws Exception {
    try (RawOrigin raw = new RawOrigin(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nCache-Status: app-cache; hit\r\nContent-Length: 0\r\n\r\n");
    })) {
      try (SidecarFixture proxy = SidecarFixture.standalone(raw.url())) {
        assertThat(proxy.get(proxy.proxy("/x")).headers().firstValue("Cache-Status"))
            .hasValue(PassThroughEngine.CACHE_STATUS + ", app-cache; hit");
      }
    }
  }

  @Test
  void headRequestGetsHeadersWithoutBody() throws Exception {
    HttpResponse<String> response = sidecar.client.send(
        HttpRequest.newBuilder(sidecar.proxy("/status")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEmpty();
    assertThat(origin.seen.take().method()).isEqualTo("HEAD");
  }

  @Test
  void hopByHopResponseFieldsAreRemovedAndConnectionsReused() throws Exception {
    try (RawOrigin raw = new RawOrigin(socket -> {
      InputStream in = socket.getInputStream();
      while (RawOrigin.readHead(in) != null) {
        RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nConnection: X-Internal\r\nX-Internal: secret\r\n"
            + "Keep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\nContent-Length: 2\r\n\r\nok");
      }
    })) {
      try (SidecarFixture proxy = SidecarFixture.standalone(raw.url())) {
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> response = proxy.get(proxy.proxy("/r" + i));
          assertThat(response.body()).isEqualTo("ok");
          assertThat(response.headers().map()).doesNotContainKeys("x-internal", "keep-alive", "proxy-authenticate");
          assertThat(response.headers().firstValue("Via")).hasValue("1.1 cachemesh");
        }
        assertThat(raw.connections()).isEqualTo(1);
      }
    }
  }

  @Test
  void responseWithoutLengthIsDelimitedByCloseAndStillComplete() throws Exception {
    try (RawOrigin raw = new RawOrigin(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-close body");
    })) {
      try (SidecarFixture proxy = SidecarFixture.standalone(raw.url())) {
        assertThat(proxy.get(proxy.proxy("/x")).body()).isEqualTo("until-close body");
        assertThat(proxy.get(proxy.proxy("/y")).body()).isEqualTo("until-close body");
        assertThat(raw.connections()).isEqualTo(2);
      }
    }
  }

  @Test
  void slowClientWithSmallWindowStillGetsALargeStreamIntact() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", sidecar.sidecar.proxyAddress().getPort())) {
      socket.setReceiveBufferSize(64 * 1024);
      socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
      socket.getOutputStream().write("GET /large-fixed HTTP/1.1\r\nHost: app\r\n\r\n".getBytes());
      InputStream in = socket.getInputStream();
      RawOrigin.readHead(in);
      byte[] body = in.readNBytes(LARGE.length);
      assertThat(sha256(body)).isEqualTo(sha256(LARGE));
    }
  }
}
