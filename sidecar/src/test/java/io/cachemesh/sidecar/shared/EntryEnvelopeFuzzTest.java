package io.cachemesh.sidecar.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any bytes handed to the decoder: it never throws, and nothing is accepted unless it carries a
 * valid HMAC for the policy and key asked for. Under plain {@code verify} Jazzer runs the seeds in
 * src/test/resources/.../EntryEnvelopeFuzzTestInputs; with JAZZER_FUZZ=1 it fuzzes for maxDuration.
 */
class EntryEnvelopeFuzzTest {
  private static final byte[] KEY = "fuzzing-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final EntryEnvelope ENVELOPE = new EntryEnvelope(KEY, 1 << 16);

  @FuzzTest(maxDuration = "30s")
  void decoderNeverThrowsAndNeverAcceptsForgedInput(byte[] input) {
    EntryEnvelope.Opened opened = ENVELOPE.open(input, "shop/catalog", "k");
    if (opened instanceof EntryEnvelope.Valid valid) {
      // Only an envelope this key sealed can get here: re-sealing must give the same bytes.
      assertThat(ENVELOPE.seal("shop/catalog", "k", valid.issuedAtMillis(), valid.payload())).isEqualTo(input);
    }
  }
}
