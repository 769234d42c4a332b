package io.cachemesh.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
      "'a b', null"})
  void hostIsLowerCasedWithoutDefaultPortOrRefused(String raw, String expected) {
    assertThat(RequestSanityHandler.normaliseHost(raw)).isEqualTo(expected);
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
