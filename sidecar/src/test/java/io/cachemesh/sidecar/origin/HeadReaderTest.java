package io.cachemesh.sidecar.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.sidecar.engine.Header;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadReaderTest {
  private static ResponseHead read(String text) throws IOException {
    return HeadReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void readsStatusAndFieldsInOrderWithOptionalWhitespaceTrimmed() throws IOException {
    ResponseHead head = read("HTTP/1.1 404 Not Found\r\nA:  1 \r\nB:\t2\r\nA: 3\r\n\r\nbody");

    assertThat(head.status()).isEqualTo(404);
    assertThat(head.http11()).isTrue();
    assertThat(head.headers().fields()).containsExactly(new Header("A", "1"), new Header("B", "2"), new Header("A", "3"));
  }

  @Test
  void acceptsBareLineFeedsAndAnEmptyReason() throws IOException {
    ResponseHead head = read("HTTP/1.0 204\nX: y\n\n");
    assertThat(head.status()).isEqualTo(204);
    assertThat(head.http11()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/1.1 099 Low\r\n\r\n",
      "HTTP/1.1 600 High\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "ICY 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
      "HTTP/1.1 200 OK\r\nSpace before : colon\r\n\r\n",
      "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
      "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
      "HTTP/1.1 200 OK\r\nA: b\u0000c\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
      "HTTP/1.1 200 OK\r\nA: b\r\n"})
  void refusesMalformedHeads(String text) {
    assertThatThrownBy(() -> read(text)).isInstanceOf(IOException.class);
  }

  @Test
  void emptyConnectionIsAnEndOfStreamNotAProtocolError() {
    assertThatThrownBy(() -> read("")).isInstanceOf(EOFException.class);
  }

  @Test
  void boundsTheHeadSize() {
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nA: " + "x".repeat(HeadReader.MAX_LINE + 1) + "\r\n\r\n"))
        .isInstanceOf(OriginProtocolException.class);
    StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i <= HeadReader.MAX_FIELDS; i++) {
      many.append("F").append(i).append(": v\r\n");
    }
    assertThatThrownBy(() -> read(many + "\r\n")).isInstanceOf(OriginProtocolException.class)
        .hasMessageContaining("fields");
  }
}
