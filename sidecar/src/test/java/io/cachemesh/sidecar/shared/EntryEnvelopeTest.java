package io.cachemesh.sidecar.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.sidecar.shared.EntryEnvelope.Rejected;
import io.cachemesh.sidecar.shared.EntryEnvelope.Rejection;
import io.cachemesh.sidecar.shared.EntryEnvelope.Valid;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EntryEnvelopeTest {
  static final byte[] KEY = "0123456789abcdef-hmac-key".getBytes(StandardCharsets.UTF_8);
  static final String POLICY = "shop/catalog";
  static final String ENTRY = "GET|shop.example|/products/42?lang=en";
  static final EntryEnvelope ENVELOPE = new EntryEnvelope(KEY, 1024);
  static final byte[] SEALED = ENVELOPE.seal(POLICY, ENTRY, 1_700_000_000_123L, "hello entry".getBytes(StandardCharsets.UTF_8));

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 17, 1024})
  void roundTripsAnyPayloadUpToTheMaximum(int size) {
    byte[] payload = new byte[size];
    Arrays.fill(payload, (byte) 0xA5);

    EntryEnvelope.Opened opened = ENVELOPE.open(ENVELOPE.seal(POLICY, ENTRY, 42L, payload), POLICY, ENTRY);

    assertThat(opened).isInstanceOfSatisfying(Valid.class, valid -> {
      assertThat(valid.payload()).isEqualTo(payload);
      assertThat(valid.issuedAtMillis()).isEqualTo(42L);
    });
  }

  @Test
  void theLayoutIsTheDocumentedOne() {
    ByteBuffer in = ByteBuffer.wrap(SEALED);
    assertThat(Arrays.copyOf(SEALED, 4)).isEqualTo("CMSE".getBytes(StandardCharsets.US_ASCII));
    assertThat(SEALED[4]).isEqualTo((byte) 1);
    assertThat(in.getShort(5)).isEqualTo((short) POLICY.length());
    assertThat(new String(SEALED, 7, POLICY.length(), StandardCharsets.UTF_8)).isEqualTo(POLICY);
    assertThat(Arrays.copyOfRange(SEALED, 7 + POLICY.length(), 39 + POLICY.length())).isEqualTo(EntryEnvelope.keyHash(ENTRY));
    assertThat(in.getLong(39 + POLICY.length())).isEqualTo(1_700_000_000_123L);
    assertThat(in.getInt(47 + POLICY.length())).isEqualTo(11);
    assertThat(SEALED).hasSize(83 + POLICY.length() + 11);
    assertThat(new String(SEALED, StandardCharsets.ISO_8859_1)).as("the raw key is never stored").doesNotContain("/products/42");
  }

  static IntStream everyByte() {
    return IntStream.range(0, SEALED.length);
  }

  @ParameterizedTest
  @MethodSource("everyByte")
  void aTamperedByteAnywhereIsRejected(int index) {
    byte[] tampered = SEALED.clone();
    tampered[index] ^= 0x01;

    assertThat(ENVELOPE.open(tampered, POLICY, ENTRY)).isInstanceOf(Rejected.class);
  }

  @ParameterizedTest
  @MethodSource("everyByte")
  void aTruncatedEnvelopeIsRejectedAtEveryLength(int length) {
    assertThat(ENVELOPE.open(Arrays.copyOf(SEALED, length), POLICY, ENTRY)).isInstanceOf(Rejected.class);
  }

  @Test
  void everyRejectionHasItsReason() {
    byte[] otherVersion = SEALED.clone();
    otherVersion[4] = 2;
    byte[] trailing = Arrays.copyOf(SEALED, SEALED.length + 1);
    byte[] huge = SEALED.clone();
    ByteBuffer.wrap(huge).putInt(47 + POLICY.length(), Integer.MAX_VALUE);
    byte[] badMagic = SEALED.clone();
    badMagic[0] = 'X';

    assertThat(reason(ENVELOPE.open(otherVersion, POLICY, ENTRY))).isEqualTo(Rejection.VERSION);
    assertThat(reason(ENVELOPE.open(badMagic, POLICY, ENTRY))).isEqualTo(Rejection.MAGIC);
    assertThat(reason(ENVELOPE.open(trailing, POLICY, ENTRY))).isEqualTo(Rejection.LENGTH);
    assertThat(reason(ENVELOPE.open(huge, POLICY, ENTRY))).isEqualTo(Rejection.TOO_LARGE);
    assertThat(reason(ENVELOPE.open(Arrays.copyOf(SEALED, 10), POLICY, ENTRY))).isEqualTo(Rejection.TRUNCATED);
    assertThat(reason(ENVELOPE.open(SEALED, "shop/other", ENTRY))).isEqualTo(Rejection.POLICY);
    assertThat(reason(ENVELOPE.open(SEALED, POLICY, ENTRY + "x"))).isEqualTo(Rejection.KEY);
    assertThat(reason(new EntryEnvelope("another-key-of-16-bytes".getBytes(StandardCharsets.UTF_8), 1024).open(SEALED, POLICY, ENTRY)))
        .isEqualTo(Rejection.HMAC);
    assertThat(reason(ENVELOPE.open(null, POLICY, ENTRY))).isEqualTo(Rejection.TRUNCATED);
  }

  @Test
  void aReaderWithASmallerLimitRefusesLargerPayloadsBeforeAllocating() {
    assertThat(reason(new EntryEnvelope(KEY, 5).open(SEALED, POLICY, ENTRY))).isEqualTo(Rejection.TOO_LARGE);
  }

  @Test
  void sealingOverTheLimitIsRefused() {
    assertThatThrownBy(() -> new EntryEnvelope(KEY, 4).seal(POLICY, ENTRY, 0, new byte[5]))
        .hasMessageContaining("payload: 5 bytes is over the maximum 4");
  }

  @Test
  void anEnvelopeSealedByAnotherImplementationOfTheDocumentedFormatOpens() throws java.io.IOException {
    // The fuzz seed "valid" was written by a few lines of Python following the layout in the javadoc.
    byte[] python;
    try (var in = getClass().getResourceAsStream("EntryEnvelopeFuzzTestInputs/decoderNeverThrowsAndNeverAcceptsForgedInput/valid")) {
      python = in.readAllBytes();
    }
    EntryEnvelope fuzzKey = new EntryEnvelope("fuzzing-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8), 1024);

    assertThat(fuzzKey.open(python, POLICY, "k")).isInstanceOfSatisfying(Valid.class,
        valid -> assertThat(new String(valid.payload(), StandardCharsets.UTF_8)).isEqualTo("payload"));
  }

  private static Rejection reason(EntryEnvelope.Opened opened) {
    assertThat(opened).isInstanceOf(Rejected.class);
    return ((Rejected) opened).reason();
  }
}
