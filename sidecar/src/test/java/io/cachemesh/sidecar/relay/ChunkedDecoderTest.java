package io.cachemesh.sidecar.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.sidecar.origin.OriginProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {
  private static final String BODY = "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";

  /** Feeds {@code wire} in pieces of {@code piece} bytes, as reads from a socket would. */
  private static String decode(ChunkedDecoder decoder, String wire, int piece) throws OriginProtocolException {
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < bytes.length; at += piece) {
      ByteBuffer in = ByteBuffer.wrap(bytes, at, Math.min(piece, bytes.length - at));
      for (ByteBuffer slice = decoder.next(in); slice != null; slice = decoder.next(in)) {
        byte[] chunk = new byte[slice.remaining()];
        slice.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest(name = "pieces of {0} bytes")
  @ValueSource(ints = {1, 2, 3, 7, 1000})
  void decodesTheSameWhateverTheReadBoundaries(int piece) throws Exception {
    ChunkedDecoder decoder = new ChunkedDecoder();

    assertThat(decode(decoder, BODY, piece)).isEqualTo("hello, world");
    assertThat(decoder.complete()).isTrue();
  }

  @Test
  void isNotCompleteBeforeTheLastChunkAndItsBlankLine() throws Exception {
    ChunkedDecoder decoder = new ChunkedDecoder();

    assertThat(decode(decoder, "5\r\nhello\r\n0\r\n", 100)).isEqualTo("hello");
    assertThat(decoder.complete()).isFalse();
  }

  @Test
  void leavesBytesAfterTheBodyInTheBuffer() throws Exception {
    ChunkedDecoder decoder = new ChunkedDecoder();
    ByteBuffer in = ByteBuffer.wrap("1\r\na\r\n0\r\n\r\nEXTRA".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(decoder.next(in)).isNotNull();
    assertThat(decoder.next(in)).isNull();

    assertThat(decoder.complete()).isTrue();
    assertThat(in.remaining()).as("surplus bytes make the connection unusable; they must be visible").isEqualTo(5);
  }

  @Test
  void acceptsBareLineFeedsAsTheBlockingClientDoes() throws Exception {
    assertThat(decode(new ChunkedDecoder(), "3\nabc\n0\n\n", 1)).isEqualTo("abc");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "zz\r\nab\r\n0\r\n\r\n",                       // not hex
      "3\rabc\r\n0\r\n\r\n",                          // bare CR
      "3\r\nabcdef\r\n0\r\n\r\n",                     // data longer than announced
      "11111111111111111\r\n",                        // more than 16 hex digits
      "3x\r\nabc\r\n0\r\n\r\n",                       // junk after the size
      "0\r\nbad trailer\r\n\r\n"})                    // trailer that is not a field
  void refusesMalformedFraming(String wire) {
    assertThatThrownBy(() -> decode(new ChunkedDecoder(), wire, 2)).isInstanceOf(OriginProtocolException.class);
  }

  @Test
  void refusesTrailersBeyondTheirBound() {
    String wire = "0\r\n" + ("X-T: " + "t".repeat(1000) + "\r\n").repeat(20) + "\r\n";

    assertThatThrownBy(() -> decode(new ChunkedDecoder(), wire, 512)).isInstanceOf(OriginProtocolException.class);
  }
}
