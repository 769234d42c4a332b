package io.cachemesh.sidecar.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.HeaderList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmallBodyTest {

  @Test
  void streamWithSmallDeclaredLengthIsReadWholeWithItsPrefix() throws IOException {
    TrackedStream rest = new TrackedStream("world");
    CacheResponse streamed = new CacheResponse(200, HeaderList.of("Content-Length", "10"),
        null, "hello".getBytes(StandardCharsets.US_ASCII), rest);

    CacheResponse read = SmallBody.read("GET", streamed).orElseThrow();

    assertArrayEquals("helloworld".getBytes(StandardCharsets.US_ASCII), read.body());
    assertNull(read.stream());
    assertEquals(streamed.headers(), read.headers());
    assertTrue(rest.closed.get(), "the origin stream is closed, so its connection can be reused");
  }

  @ParameterizedTest(name = "{0} {1} Content-Length={2}")
  @CsvSource({
      "HEAD, 200, 5",
      "GET, 304, 5",
      "GET, 204, 5",
      "GET, 200, ",
      "GET, 200, 65537",
      "GET, 200, 'x'",
  })
  void bodilessUnframedOrLargeResponsesAreLeftToStream(String method, int status, String length) throws IOException {
    HeaderList headers = length == null ? HeaderList.EMPTY : HeaderList.of("Content-Length", length);
    TrackedStream stream = new TrackedStream("hello");
    CacheResponse streamed = new CacheResponse(status, headers, null, null, stream);

    assertEquals(Optional.empty(), SmallBody.read(method, streamed));
    assertEquals(false, stream.closed.get());
  }

  @Test
  void bufferedResponseIsLeftAsItIs() throws IOException {
    CacheResponse hit = new CacheResponse(200, HeaderList.of("Content-Length", "2"), new byte[] {1, 2}, null, null);

    assertEquals(Optional.empty(), SmallBody.read("GET", hit));
  }

  @Test
  void originSendingFewerBytesThanDeclaredIsAnErrorAndClosesTheStream() {
    TrackedStream stream = new TrackedStream("short");
    CacheResponse streamed = new CacheResponse(200, HeaderList.of("Content-Length", "100"), null, null, stream);

    IOException e = assertThrows(IOException.class, () -> SmallBody.read("GET", streamed));
    assertTrue(e.getMessage().contains("5 of 100"), e.getMessage());
    assertTrue(stream.closed.get());
  }

  @Test
  void originSendingMoreBytesThanDeclaredIsAnError() {
    CacheResponse streamed = new CacheResponse(200, HeaderList.of("Content-Length", "3"), null, null,
        new TrackedStream("toolong"));

    assertThrows(IOException.class, () -> SmallBody.read("GET", streamed));
  }

  @Test
  void bodyOfExactlyTheLimitIsBuffered() throws IOException {
    byte[] payload = new byte[SmallBody.LIMIT];
    CacheResponse streamed = new CacheResponse(200, HeaderList.of("Content-Length", String.valueOf(payload.length)),
        null, null, new ByteArrayInputStream(payload));

    CacheResponse read = SmallBody.read("GET", streamed).orElseThrow();

    assertEquals(SmallBody.LIMIT, read.body().length);
    assertSame(null, read.bufferedPrefix());
  }

  private static final class TrackedStream extends ByteArrayInputStream {
    final AtomicBoolean closed = new AtomicBoolean();

    TrackedStream(String content) {
      super(content.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}
