package io.cachemesh.sidecar.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.RelayPlan;
import io.cachemesh.sidecar.http.SharedIo;
import io.cachemesh.sidecar.origin.UpstreamAddress;
import io.cachemesh.sidecar.origin.UpstreamMetrics;
import io.cachemesh.sidecar.origin.UpstreamRequest;
import io.cachemesh.sidecar.origin.UpstreamSettings;
import io.cachemesh.sidecar.testing.FailingOrigins;
import io.cachemesh.sidecar.testing.RawOrigin;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Undertow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xnio.XnioIoThread;

/** The IO-thread relay against a raw-socket origin over real loopback sockets: framing, reuse, back-pressure, failures. */
class OriginRelayIT {
  private static final UpstreamSettings SETTINGS = new UpstreamSettings(
      Duration.ofMillis(500), Duration.ofMillis(800), Duration.ofMillis(800), Duration.ofSeconds(4), 16);
  /** Labels what it relays so the tests see the plan was asked, and answers failures by their kind. */
  private static final RelayPlan PLAN = new RelayPlan() {
    @Override
    public HeaderList respond(int status, HeaderList originFields, long contentLength, long responseTimeMillis) {
      return originFields.with("X-Plan", status + " " + contentLength);
    }

    @Override
    public CacheResponse failed(IOException cause) {
      int status = cause instanceof SocketTimeoutException ? 504 : 502;
      return new CacheResponse(status, HeaderList.of("X-Plan", "failed " + cause.getClass().getSimpleName()),
          "failed\n".getBytes(StandardCharsets.US_ASCII), null, null);
    }
  };

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private SharedIo io;
  private Undertow server;
  private OriginRelay relay;
  private RawOrigin origin;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      relay.close();
      server.stop();
      io.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  private void start(RawOrigin.Behaviour behaviour) throws IOException {
    origin = new RawOrigin(behaviour);
    startRelayTo(origin.url());
  }

  private void startRelayTo(String url) {
    io = new SharedIo(1);
    relay = new OriginRelay(UpstreamAddress.parse(url), SETTINGS, new UpstreamMetrics(registry), Clock.systemUTC());
    server = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setWorker(io.worker())
        .setByteBufferPool(io.buffers())
        .setHandler(exchange -> relay.relay(exchange, new UpstreamRequest(exchange.getRequestMethod().toString(),
            exchange.getRequestURI(), HeaderList.of("Host", "origin.test"), null, 0), PLAN))
        .build();
    server.start();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().getFirst().getAddress()).getPort() + path);
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Answers every request on a connection with {@code response}, keep-alive. */
  private static RawOrigin.Behaviour keepAlive(String response) {
    return socket -> {
      InputStream in = socket.getInputStream();
      while (RawOrigin.readHead(in) != null) {
        RawOrigin.write(socket, response);
      }
    };
  }

  private double errors(String kind) {
    return registry.get("cachemesh_upstream_errors").tag("kind", kind).counter().count();
  }

  @Test
  void relaysAFixedLengthBodyAndKeepsTheConnectionForTheNextRequest() throws Exception {
    start(keepAlive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-App: a\r\n\r\nhello"));

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = send("GET", "/a");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello");
      assertThat(response.headers().firstValue("X-Plan")).hasValue("200 5");
      assertThat(response.headers().firstValue("X-App")).hasValue("a");
      assertThat(response.headers().firstValue("Via")).hasValue("1.1 cachemesh");
    }
    assertThat(origin.connections()).as("one keep-alive connection for sequential requests").isEqualTo(1);
    assertThat(registry.get("cachemesh_upstream_duration").tag("status_class", "2xx").timer().count()).isEqualTo(3);
  }

  @Test
  void decodesAChunkedBodyArrivingInPiecesAndReusesTheConnection() throws Exception {
    start(socket -> {
      InputStream in = socket.getInputStream();
      while (RawOrigin.readHead(in) != null) {
        RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhel");
        RawOrigin.write(socket, "lo\r\n7\r\n, wor");
        RawOrigin.write(socket, "ld\r\n0\r\nX-Trailer: dropped\r\n\r\n");
      }
    });

    for (int i = 0; i < 2; i++) {
      HttpResponse<String> response = send("GET", "/chunked");
      assertThat(response.body()).isEqualTo("hello, world");
      assertThat(response.headers().firstValue("X-Plan")).hasValue("200 -1");
      assertThat(response.headers().firstValue("X-Trailer")).isEmpty();
    }
    assertThat(origin.connections()).isEqualTo(1);
  }

  @Test
  void bodyDelimitedByCloseIsRelayedWholeAndTheConnectionIsNotReused() throws Exception {
    start(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\n\r\nuntil ");
      RawOrigin.write(socket, "the end");
    });

    assertThat(send("GET", "/a").body()).isEqualTo("until the end");
    assertThat(send("GET", "/b").body()).isEqualTo("until the end");
    assertThat(origin.connections()).isEqualTo(2);
  }

  @Test
  void largeBodyToASlowClientArrivesIntact() throws Exception {
    int size = 4 * 1024 * 1024;
    byte[] body = new byte[size];
    for (int i = 0; i < size; i++) {
      body[i] = (byte) ('a' + i % 26);
    }
    start(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
    });

    byte[] received;
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", uri("/").getPort()));
      slow.getOutputStream().write("GET /big HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = slow.getInputStream();
      RawOrigin.readHead(in);
      ByteArrayOutputStream out = new ByteArrayOutputStream(size);
      byte[] small = new byte[1024];
      while (out.size() < size) {
        int n = in.read(small);
        assertThat(n).as("body ended early at " + out.size()).isPositive();
        out.write(small, 0, n);
      }
      received = out.toByteArray();
    }
    assertThat(received).isEqualTo(body);
  }

  @Test
  void interimResponsesAreSkipped() throws Exception {
    start(keepAlive("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

    HttpResponse<String> response = send("GET", "/hints");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
  }

  @Test
  void answerToHeadKeepsItsContentLengthAndHasNoBody() throws Exception {
    start(keepAlive("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"));

    HttpResponse<String> head = send("HEAD", "/h");
    HttpResponse<String> again = send("HEAD", "/h");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("1234");
    assertThat(head.body()).isEmpty();
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(origin.connections()).isEqualTo(1);
  }

  @Test
  void idleConnectionClosedByTheOriginIsReplacedWithoutAnError() throws Exception {
    // Answers one request per connection without saying so, as an origin whose keep-alive timeout expired.
    start(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });

    assertThat(send("GET", "/a").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/b").statusCode()).isEqualTo(200);
    assertThat(origin.connections()).isEqualTo(2);
    assertThat(errors("reset")).isZero();
  }

  @Test
  void idleConnectionClosedByTheOriginLeavesThePoolBeforeTheNextRequest() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    CountDownLatch mayClose = new CountDownLatch(1);
    start(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      answered.countDown();
      awaitQuietly(mayClose);
    });

    assertThat(send("GET", "/a").statusCode()).isEqualTo(200);
    SidecarFixture.await("the answered connection is idle in the pool", Duration.ofSeconds(5), () -> idleConnections() == 1);
    mayClose.countDown();

    SidecarFixture.await("the closed connection left the pool", Duration.ofSeconds(5), () -> idleConnections() == 0);
    assertThat(errors("reset")).isZero();
  }

  @Test
  void bytesSentOnAnIdleConnectionCloseItAndAreNeverRelayed() throws Exception {
    CountDownLatch mayWrite = new CountDownLatch(1);
    start(socket -> {
      InputStream in = socket.getInputStream();
      RawOrigin.readHead(in);
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      awaitQuietly(mayWrite);
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged");
      while (RawOrigin.readHead(in) != null) {
        RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    });

    assertThat(send("GET", "/a").body()).isEqualTo("ok");
    SidecarFixture.await("the answered connection is idle in the pool", Duration.ofSeconds(5), () -> idleConnections() == 1);
    mayWrite.countDown();
    SidecarFixture.await("the connection that spoke unasked left the pool", Duration.ofSeconds(5), () -> idleConnections() == 0);

    assertThat(send("GET", "/b").body()).isEqualTo("ok");
    assertThat(origin.connections()).isEqualTo(2);
  }

  @Test
  void requestSentWhileTheOriginIsAnsweringIsRelayedAfterItWithoutSpinningTheIoThread() throws Exception {
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch mayAnswer = new CountDownLatch(1);
    start(holdingTheFirstAnswer(firstArrived, mayAnswer));

    try (Socket raw = new Socket("127.0.0.1", uri("/").getPort())) {
      raw.setSoTimeout(5_000);
      RawOrigin.write(raw, "GET /first HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
      RawOrigin.write(raw, "GET /second HTTP/1.1\r\nHost: test\r\n\r\n");
      // The second request is readable on the client connection while the first is relayed.
      assertThat(ioThreadCpuWhileWaiting(Duration.ofMillis(300))).isLessThan(Duration.ofMillis(150));
      mayAnswer.countDown();

      InputStream in = raw.getInputStream();
      assertThat(readBody(in)).isEqualTo("/first");
      assertThat(readBody(in)).isEqualTo("/second");
    }
    assertThat(origin.connections()).isEqualTo(1);
  }

  @Test
  void requestsPipelinedInOneWriteAreRelayedInOrder() throws Exception {
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch mayAnswer = new CountDownLatch(1);
    start(holdingTheFirstAnswer(firstArrived, mayAnswer));

    try (Socket raw = new Socket("127.0.0.1", uri("/").getPort())) {
      raw.setSoTimeout(5_000);
      // Both heads reach Undertow's buffer together: the second waits there, not in the socket.
      RawOrigin.write(raw, "GET /one HTTP/1.1\r\nHost: test\r\n\r\nGET /two HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
      mayAnswer.countDown();

      InputStream in = raw.getInputStream();
      assertThat(readBody(in)).isEqualTo("/one");
      assertThat(readBody(in)).isEqualTo("/two");
    }
  }

  @Test
  void clientClosingWhileTheOriginIsAnsweringDoesNotSpinTheIoThreadNorBreakTheNextRequest() throws Exception {
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch mayAnswer = new CountDownLatch(1);
    start(holdingTheFirstAnswer(firstArrived, mayAnswer));

    try (Socket raw = new Socket("127.0.0.1", uri("/").getPort())) {
      RawOrigin.write(raw, "GET /gone HTTP/1.1\r\nHost: test\r\n\r\n");
      assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ioThreadCpuWhileWaiting(Duration.ofMillis(300))).isLessThan(Duration.ofMillis(150));
    mayAnswer.countDown();

    assertThat(send("GET", "/next").body()).isEqualTo("/next");
  }

  /** Answers each request with its path as the body; the answer to the very first one waits for {@code mayAnswer}. */
  private static RawOrigin.Behaviour holdingTheFirstAnswer(CountDownLatch firstArrived, CountDownLatch mayAnswer) {
    return socket -> {
      InputStream in = socket.getInputStream();
      for (String head = RawOrigin.readHead(in); head != null; head = RawOrigin.readHead(in)) {
        if (firstArrived.getCount() > 0) {
          firstArrived.countDown();
          awaitQuietly(mayAnswer);
        }
        String path = head.split(" ")[1];
        RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path);
      }
    };
  }

  /**
   * CPU the relay's IO thread used while the test waited: a listener firing again and again would
   * use most of it. A fixed window rather than a wait for a condition: what is asserted is that
   * nothing keeps happening during it.
   */
  private Duration ioThreadCpuWhileWaiting(Duration wait) throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long ioThread = io.worker().getIoThread().threadId();
    long before = threads.getThreadCpuTime(ioThread);
    Thread.sleep(wait);
    return Duration.ofNanos(threads.getThreadCpuTime(ioThread) - before);
  }

  /** One response with a Content-Length body, read from a raw connection. */
  private static String readBody(InputStream in) throws IOException {
    String head = RawOrigin.readHead(in);
    assertThat(head).as("a response head").isNotNull().startsWith("HTTP/1.1 200");
    int length = head.lines().filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
        .mapToInt(line -> Integer.parseInt(line.substring(15).trim())).findFirst().orElseThrow();
    return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  /** The pool of the relay's one IO thread, read on that thread (it is not shared). */
  private int idleConnections() {
    XnioIoThread thread = io.worker().getIoThread();
    CompletableFuture<Integer> size = new CompletableFuture<>();
    thread.execute(() -> size.complete(relay.idle(thread).size()));
    return size.join();
  }

  private static void awaitQuietly(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IOException("the test never released the origin");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.cachemesh.sidecar.testing.FailingOrigins#beforeTheHead")
  void originFailureBeforeTheHeadIsThePlansAnswerWithinTheTimeout(String name, RawOrigin.Behaviour behaviour,
      int status, String kind) throws Exception {
    start(behaviour);
    long startNanos = System.nanoTime();

    HttpResponse<String> response = send("GET", "/x");

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("X-Plan").orElseThrow()).startsWith("failed");
    assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(3));
    assertThat(errors(kind)).isEqualTo(1);
  }

  @Test
  void headLargerThanOneBufferIsRead() throws Exception {
    // Five 8 KB fields: 40 KB of head, more than one 16 KiB pooled buffer, each line within the 16 KiB line bound.
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      fields.append("X-Big-").append(i).append(": ").append("b".repeat(8_000)).append("\r\n");
    }
    start(keepAlive("HTTP/1.1 200 OK\r\n" + fields + "Content-Length: 2\r\n\r\nok"));

    HttpResponse<String> response = send("GET", "/big-head");

    for (int i = 0; i < 5; i++) {
      assertThat(response.headers().firstValue("X-Big-" + i).orElse("")).as("field " + i).hasSize(8_000);
    }
    assertThat(response.body()).isEqualTo("ok");
  }

  @Test
  void refusedConnectionIsABadGateway() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0)) {
      port = closed.getLocalPort();
    }
    startRelayTo("http://127.0.0.1:" + port);

    HttpResponse<String> response = send("GET", "/x");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("X-Plan")).hasValue("failed ConnectException");
    assertThat(errors("connect")).isEqualTo(1);
  }

  @Test
  void bodyCutShortBreaksTheClientConnection() throws Exception {
    start(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nonly a little");
    });

    assertThatThrownBy(() -> send("GET", "/cut")).isInstanceOf(IOException.class);
    assertThat(errors("reset")).isEqualTo(1);
  }

  @Test
  void originSilentMidBodyIsCutAfterTheReadTimeout() throws Exception {
    start(socket -> {
      RawOrigin.readHead(socket.getInputStream());
      RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst part");
      FailingOrigins.awaitNever();
    });
    long startNanos = System.nanoTime();

    assertThatThrownBy(() -> send("GET", "/silent")).isInstanceOf(IOException.class);

    assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isBetween(SETTINGS.readTimeout(), Duration.ofSeconds(3));
    assertThat(errors("timeout")).isEqualTo(1);
  }

  @Test
  void bytesAfterTheBodyMakeTheConnectionUnusable() throws Exception {
    start(socket -> {
      InputStream in = socket.getInputStream();
      while (RawOrigin.readHead(in) != null) {
        RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nforged");
      }
    });

    assertThat(send("GET", "/a").body()).isEqualTo("ok");
    assertThat(send("GET", "/b").body()).as("never the bytes the origin sent after the first body").isEqualTo("ok");
    assertThat(origin.connections()).isEqualTo(2);
  }
}
