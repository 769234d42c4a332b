package io.cachemesh.sidecar.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.HeaderList;
import org.junit.jupiter.api.Test;

class ForwardingTest {
  private static CacheRequest request(HeaderList headers) {
    return new CacheRequest("GET", "http", "shop.example", "/a", null, headers, false);
  }

  @Test
  void overridesReplaceClientFieldsAndEmptyOverridesRemoveThem() {
    HeaderList out = Forwarding.headers(
        request(HeaderList.of("If-None-Match", "\"client\"", "Range", "bytes=0-1", "Accept", "*/*")),
        HeaderList.of("If-None-Match", "\"stored\"", "Range", ""), "10.0.0.1");

    assertThat(out.all("If-None-Match")).containsExactly("\"stored\"");
    assertThat(out.contains("Range")).isFalse();
    assertThat(out.first("Accept")).hasValue("*/*");
  }

  @Test
  void hostAndForwardingFieldsComeFromWhatTheSidecarSaw() {
    HeaderList out = Forwarding.headers(request(HeaderList.of(
        "Host", "other", "X-Forwarded-Host", "evil", "X-Forwarded-Proto", "https", "X-Original-URL", "/admin",
        "Forwarded", "for=1.2.3.4", "Expect", "100-continue", "X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "2.2.2.2")),
        HeaderList.EMPTY, "10.0.0.1");

    assertThat(out.all("Host")).containsExactly("shop.example");
    assertThat(out.all("X-Forwarded-Host")).containsExactly("shop.example");
    assertThat(out.all("X-Forwarded-Proto")).containsExactly("http");
    assertThat(out.all("X-Forwarded-For")).containsExactly("1.1.1.1, 2.2.2.2, 10.0.0.1");
    assertThat(out.all("Via")).containsExactly("1.1 cachemesh");
    assertThat(out.contains("X-Original-URL")).isFalse();
    assertThat(out.contains("Forwarded")).isFalse();
    assertThat(out.contains("Expect")).isFalse();
  }
}
