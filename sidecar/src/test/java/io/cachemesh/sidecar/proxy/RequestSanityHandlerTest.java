package io.cachemesh.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestSanityHandlerTest {
  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "Shop.Example, shop.example",
      "shop.example:80, shop.example",
      "shop.example:8080, shop.example:8080",
      "[::1]:80, [::1]",
      "[::1]:9000, [::1]:9000",
      "10.0.0.1, 10.0.0.1",
      "a/b, null",
      "user@host, null",
      "host:99999, null",
      "'', null",
      "'a b', null",
      "[::1, null",
      "[], null",
      "[::1]x, null",
      "[::1]:, null",
      ":80, null",
      "host:, null",
      "host:123456, null",
      "host:8:8, null",
      "[::g], null",
      "a%2eb, a%2eb",
      "[::ffff:10.0.0.1]:8443, [::ffff:10.0.0.1]:8443"})
  void hostIsLowerCasedWithoutDefaultPortOrRefused(String raw, String expected) {
    assertThat(RequestSanityHandler.normaliseHost(raw)).isEqualTo(expected);
  }

  /** The grammar the hand scanner implements, as the regular expressions it replaced. */
  @ParameterizedTest
  @ValueSource(strings = {"a", "shop.example:8080", "[::1]", "[::1]:1", "[1.2.3.4]:123456", "[]", "[::1",
      "x:", ":1", "a:b", "a:1:2", "a_b!$&'()*+,;=~%-", "a/b", "a?b", "a#b", "[a]b", "[::1]:x", "é", "a\u0000b"})
  void hostScannerAcceptsExactlyWhatTheRegistryNameAndIpLiteralGrammarsAccept(String host) {
    boolean grammar = java.util.regex.Pattern.matches("[a-z0-9._~!$&'()*+,;=%-]+(:[0-9]{1,5})?", host)
        || java.util.regex.Pattern.matches("\\[[0-9a-f:.]+\\](:[0-9]{1,5})?", host);
    String normalised = RequestSanityHandler.normaliseHost(host);
    assertThat(normalised != null).as(host).isEqualTo(grammar);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"12|12", "12,12|12", "12, 13|-1", "abc|-1", "-1|-1", "1e3|-1", "' '|-1",
      "0|0", "0012|12"})
  void contentLengthMustBeOneNonNegativeNumber(String value, long expected) {
    HeaderMap map = new HeaderMap();
    map.add(Headers.CONTENT_LENGTH, value);
    assertThat(RequestSanityHandler.contentLength(map.get(Headers.CONTENT_LENGTH))).isEqualTo(expected);
  }
}
