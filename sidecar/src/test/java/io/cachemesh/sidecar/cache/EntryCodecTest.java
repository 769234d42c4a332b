package io.cachemesh.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.sidecar.engine.HeaderList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntryCodecTest {
  private final StoredResponse sample = new StoredResponse(
      "cm:{ns/p}:v0:G:http://h/a|v:abc", "cm:{ns/p}:v0:G:http://h/a", "/a", "products", 203,
      HeaderList.of("Content-Type", "text/html; charset=utf-8", "ETag", "W/\"é\"", "Vary", "Accept-Language"),
      "body ✓".getBytes(StandardCharsets.UTF_8), 1000, 1200, 3000, 60_000, 5_000, 7_000, true, false,
      List.of("product:1", "catalog"), List.of("accept-language"), 4242);

  @Test
  void roundTripPreservesEveryField() throws IOException {
    StoredResponse back = EntryCodec.decode(EntryCodec.encode(sample));
    assertThat(back).usingRecursiveComparison().isEqualTo(sample);
    assertThat(back.body()).isEqualTo(sample.body());
  }

  @Test
  void everyTruncationIsAClearIOException() {
    byte[] full = EntryCodec.encode(sample);
    for (int len = 0; len < full.length; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThatThrownBy(() -> EntryCodec.decode(cut)).as("truncated to %d", len).isInstanceOf(IOException.class)
          .hasMessageContaining(":");
    }
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] full = EntryCodec.encode(sample);
    byte[] longer = Arrays.copyOf(full, full.length + 1);
    assertThatThrownBy(() -> EntryCodec.decode(longer)).isInstanceOf(IOException.class).hasMessageContaining("body");
  }

  @Test
  void randomGarbageNeverDecodesNorBlowsUp() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      byte[] garbage = new byte[random.nextInt(300)];
      random.nextBytes(garbage);
      assertThatThrownBy(() -> EntryCodec.decode(garbage)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void flippedBytesOfAValidEntryFailCleanlyOrDecodeToSomethingBounded() {
    byte[] full = EntryCodec.encode(sample);
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      byte[] mutated = full.clone();
      mutated[random.nextInt(mutated.length)] ^= (byte) (1 + random.nextInt(255));
      try {
        StoredResponse e = EntryCodec.decode(mutated);
        assertThat(e.body().length).isLessThanOrEqualTo(mutated.length);
      } catch (IOException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void hugeDeclaredLengthsAreRefusedBeforeAllocating() {
    byte[] full = EntryCodec.encode(sample);
    // The body length is the int just before the body.
    ByteBuffer.wrap(full).putInt(full.length - sample.body().length - 4, Integer.MAX_VALUE);
    assertThatThrownBy(() -> EntryCodec.decode(full)).isInstanceOf(IOException.class).hasMessageContaining("body: length");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 99})
  void otherFormatVersionsAreRefused(int version) {
    byte[] full = EntryCodec.encode(sample);
    ByteBuffer.wrap(full).putShort(4, (short) version);
    assertThatThrownBy(() -> EntryCodec.decode(full)).isInstanceOf(IOException.class)
        .hasMessageContaining("unsupported format version " + version);
  }

  @Test
  void badMagicIsRefused() {
    byte[] full = EntryCodec.encode(sample);
    full[0] = 'X';
    assertThatThrownBy(() -> EntryCodec.decode(full)).isInstanceOf(IOException.class).hasMessageContaining("magic");
  }

  @Test
  void tooManyHeadersAreRefusedWhenEncoding() {
    String[] pairs = new String[2 * (EntryCodec.MAX_HEADERS + 1)];
    Arrays.fill(pairs, "x");
    StoredResponse e = new StoredResponse("k", "k", "/", "r", 200, HeaderList.of(pairs), new byte[0], 0, 0, 0, 0, 0, 0,
        false, false, List.of(), List.of(), 0);
    assertThatThrownBy(() -> EntryCodec.encode(e)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headers");
  }
}
