package io.cachemesh.sidecar.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.sidecar.engine.HeaderList;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadTest {
  private static String encode(UpstreamRequest request) throws OriginProtocolException {
    return new String(RequestHead.encode(request), StandardCharsets.ISO_8859_1);
  }

  @Test
  void writesTheRequestLineAndFieldsInOrderAndEndsWithABlankLine() throws Exception {
    String head = encode(new UpstreamRequest("GET", "/a?b=1", HeaderList.of("Host", "app", "Accept", "text/html", "Via", "1.1 x"),
        null, 0));

    assertThat(head).isEqualTo("GET /a?b=1 HTTP/1.1\r\nHost: app\r\nAccept: text/html\r\nVia: 1.1 x\r\n\r\n");
  }

  @Test
  void framingFieldsAreTheCachesOwn() throws Exception {
    HeaderList fields = HeaderList.of("Host", "app", "Content-Length", "99", "Transfer-Encoding", "gzip", "Connection", "close");

    assertThat(encode(new UpstreamRequest("GET", "/", fields, null, 0))).isEqualTo("GET / HTTP/1.1\r\nHost: app\r\n\r\n");
    assertThat(encode(new UpstreamRequest("POST", "/", fields, null, 0)))
        .isEqualTo("POST / HTTP/1.1\r\nHost: app\r\nContent-Length: 0\r\n\r\n");
    assertThat(encode(new UpstreamRequest("PUT", "/", fields, new ByteArrayInputStream(new byte[3]), 3)))
        .isEqualTo("PUT / HTTP/1.1\r\nHost: app\r\nContent-Length: 3\r\n\r\n");
    assertThat(encode(new UpstreamRequest("PUT", "/", fields, new ByteArrayInputStream(new byte[3]), -1)))
        .isEqualTo("PUT / HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n\r\n");
  }

  @Test
  void latinOneValuesAreSentAsOneByteEach() throws Exception {
    byte[] head = RequestHead.encode(new UpstreamRequest("GET", "/", HeaderList.of("X-Name", "caf\u00e9"), null, 0));

    assertThat(head).containsSequence((byte) 'c', (byte) 'a', (byte) 'f', (byte) 0xe9, (byte) '\r');
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\r\nInjected: 1", "a\nb", "nul\u0000", "snow\u2603"})
  void valuesThatCouldSplitTheMessageAreRefused(String value) {
    assertThatThrownBy(() -> RequestHead.encode(new UpstreamRequest("GET", "/", HeaderList.of("X-A", value), null, 0)))
        .isInstanceOf(OriginProtocolException.class).hasMessageContaining("X-A");
  }

  @ParameterizedTest
  @ValueSource(strings = {"X A", "X:A", "X\u00e9"})
  void badFieldNamesAreRefused(String name) {
    assertThatThrownBy(() -> RequestHead.encode(new UpstreamRequest("GET", "/", HeaderList.of(name, "v"), null, 0)))
        .isInstanceOf(OriginProtocolException.class).hasMessageContaining("field name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a b", "/a\r\nX: y", "/caf\u00e9", "/\u0000"})
  void targetsThatCouldSplitTheRequestLineAreRefused(String target) {
    assertThatThrownBy(() -> RequestHead.encode(new UpstreamRequest("GET", target, HeaderList.EMPTY, null, 0)))
        .isInstanceOf(OriginProtocolException.class).hasMessageContaining("request target");
    assertThatThrownBy(() -> RequestHead.encode(new UpstreamRequest("G ET", "/", HeaderList.EMPTY, null, 0)))
        .isInstanceOf(OriginProtocolException.class).hasMessageContaining("method");
  }
}
