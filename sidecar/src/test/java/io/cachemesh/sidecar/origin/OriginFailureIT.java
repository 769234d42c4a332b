package io.cachemesh.sidecar.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.sidecar.testing.FailingOrigins;
import io.cachemesh.sidecar.testing.RawOrigin;
import io.cachemesh.sidecar.testing.SidecarFixture;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** An origin that fails gets the client a 502 or 504 within a bound, never a hang or a garbled response. */
class OriginFailureIT {
  private RawOrigin origin;
  private SidecarFixture sidecar;

  @AfterEach
  void stop() throws Exception {
    if (sidecar != null) {
      sidecar.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.cachemesh.sidecar.testing.FailingOrigins#beforeTheHead")
  void originFailureBecomesAGatewayErrorWithinTheTimeout(String name, RawOrigin.Behaviour behaviour, int status,
      String kind) throws Exception {
    origin = new RawOrigin(behaviour);
    sidecar = SidecarFixture.standalone(origin.url());
    long start = System.nanoTime();

    HttpResponse<String> response = sidecar.get(sidecar.proxy("/x"));

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    assertThat(response.headers().firstValue("Cache-Status")).isPresent();
    assertThat(sidecar.get(sidecar.ops("/metrics")).body())
        .containsPattern("cachemesh_upstream_errors_total\\{kind=\"" + kind + "\"} [1-9]");
  }

  @Test
  void originNotListeningIsABadGateway() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    sidecar = SidecarFixture.standalone("http://127.0.0.1:" + port);

    HttpResponse<String> response = sidecar.get(sidecar.proxy("/x"));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(sidecar.get(sidecar.ops("/metrics")).body())
        .containsPattern("cachemesh_upstream_errors_total\\{kind=\"connect\"} [1-9]");
  }

  @Test
  void bodyCutShortByTheOriginIsNotPassedOffAsComplete() throws Exception {
    origin = new RawOrigin(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a little");
    });
    sidecar = SidecarFixture.standalone(origin.url());

    // Relayed on the IO thread (nothing is stored), the body streams as it comes: the status line
    // is out before the origin fails, so the client sees its connection cut, never a short 200.
    assertThatThrownBy(() -> sidecar.get(sidecar.proxy("/x"))).isInstanceOf(java.io.IOException.class);
    assertThat(sidecar.get(sidecar.ops("/metrics")).body())
        .containsPattern("cachemesh_upstream_errors_total\\{kind=\"reset\"} [1-9]");
  }

  @Test
  void largeBodyCutShortByTheOriginBreaksTheClientResponse() throws Exception {
    origin = new RawOrigin(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nContent-Length: 1000000\r\n\r\nonly a little");
    });
    sidecar = SidecarFixture.standalone(origin.url());

    java.io.IOException failure = null;
    try {
      sidecar.get(sidecar.proxy("/x"));
    } catch (java.io.IOException e) {
      failure = e;
    }
    assertThat(failure).as("a truncated streamed body must surface as a broken response").isNotNull();
  }

  @Test
  void staleKeepAliveConnectionIsReplacedWithoutAnErrorForTheClient() throws Exception {
    origin = new RawOrigin(socket -> {
      InputStream in = socket.getInputStream();
      RawOrigin.readHead(in);
      // Answers one request, then closes the connection as an origin whose keep-alive timeout expired.
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    sidecar = SidecarFixture.standalone(origin.url());

    assertThat(sidecar.get(sidecar.proxy("/a")).statusCode()).isEqualTo(200);
    SidecarFixture.await("origin closed the first connection", Duration.ofSeconds(2), () -> origin.connections() == 1);
    assertThat(sidecar.get(sidecar.proxy("/b")).statusCode()).isEqualTo(200);
    assertThat(origin.connections()).isEqualTo(2);
  }
}
