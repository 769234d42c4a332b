package io.cachemesh.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HopByHopTest {
  @ParameterizedTest
  @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
      "Upgrade", "Proxy-Authorization", "Proxy-Authenticate", "keep-alive", "TRANSFER-ENCODING"})
  void fixedHopByHopFieldIsRemovedWhateverItsCase(String name) {
    HeaderList stripped = HopByHop.strip(HeaderList.of(name, "x", "Accept", "*/*"));
    assertThat(stripped.fields()).containsExactly(new Header("Accept", "*/*"));
  }

  @Test
  void fieldsNamedByConnectionAreRemovedToo() {
    HeaderList stripped = HopByHop.strip(HeaderList.of(
        "Connection", "close, X-Private ,x-other", "X-Private", "1", "X-Other", "2", "X-Kept", "3"));
    assertThat(stripped.fields()).containsExactly(new Header("X-Kept", "3"));
  }

  @Test
  void listWithoutHopByHopFieldsIsReturnedAsIs() {
    HeaderList headers = HeaderList.of("Accept", "*/*", "Cache-Control", "no-cache");
    assertThat(HopByHop.strip(headers)).isSameAs(headers);
  }
}
