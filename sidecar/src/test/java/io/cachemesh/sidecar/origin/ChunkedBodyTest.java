package io.cachemesh.sidecar.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedBodyTest {
  private static ChunkedBody body(String wire) {
    return new ChunkedBody(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void decodesChunksIgnoringExtensionsAndTrailers() throws IOException {
    ByteArrayInputStream rest = new ByteArrayInputStream(
        "5;name=v\r\nhello\r\nA\r\n, world!!!\r\n0\r\nTrailer-A: x\r\n\r\nNEXT".getBytes(StandardCharsets.ISO_8859_1));
    ChunkedBody body = new ChunkedBody(rest);

    assertThat(new String(body.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("hello, world!!!");
    assertThat(body.complete()).isTrue();
    assertThat(new String(rest.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("NEXT");
  }

  @ParameterizedTest
  @ValueSource(strings = {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "5\r\nhel", "11111111111111111\r\n",
      "5\r\nhello\r\n0\r\nBad trailer\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n"})
  void malformedOrTruncatedChunkingIsAnError(String wire) {
    assertThatThrownBy(() -> body(wire).readAllBytes()).isInstanceOf(IOException.class);
  }

  @Test
  void fixedLengthBodyEndingEarlyIsAnError() {
    FixedLengthBody body = new FixedLengthBody(new ByteArrayInputStream("abc".getBytes(StandardCharsets.ISO_8859_1)), 10);
    assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("7 bytes before");
  }
}
