package io.cachemesh.sidecar.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.engine.HeaderList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionalsTest {
  @ParameterizedTest(name = "If-None-Match {0} vs ETag {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "\"a\"              | \"a\"    | true",
      "W/\"a\"            | \"a\"    | true",
      "\"a\"              | W/\"a\"  | true",
      "\"b\", W/\"a\"     | \"a\"    | true",
      "*                  | \"a\"    | true",
      "\"b\"              | \"a\"    | false",
      "\"a,b\"            | \"a\"    | false",
  })
  void ifNoneMatchUsesWeakComparison(String inm, String etag, boolean expected) {
    assertThat(Conditionals.notModified(HeaderList.of("If-None-Match", inm.trim()), HeaderList.of("ETag", etag.trim())))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Sun, 06 Nov 1994 08:49:37 GMT | Sun, 06 Nov 1994 08:49:37 GMT | true",
      "Mon, 07 Nov 1994 08:49:37 GMT | Sun, 06 Nov 1994 08:49:37 GMT | true",
      "Sat, 05 Nov 1994 08:49:37 GMT | Sun, 06 Nov 1994 08:49:37 GMT | false",
      "garbage                       | Sun, 06 Nov 1994 08:49:37 GMT | false",
  })
  void ifModifiedSinceComparesWithLastModified(String ims, String lastModified, boolean expected) {
    assertThat(Conditionals.notModified(HeaderList.of("If-Modified-Since", ims.trim()),
        HeaderList.of("Last-Modified", lastModified.trim()))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"\"b\" | false", "\"a\" | true"})
  void ifNoneMatchTakesPrecedenceOverIfModifiedSince(String inm, boolean expected) {
    HeaderList request = HeaderList.of("If-None-Match", inm.trim(), "If-Modified-Since", "Mon, 07 Nov 1994 08:49:37 GMT");
    HeaderList stored = HeaderList.of("ETag", "\"a\"", "Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(Conditionals.notModified(request, stored)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "If-Match {0} vs ETag {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "\"a\"              | \"a\"    | SERVE",
      "W/\"a\"            | \"a\"    | PRECONDITION_FAILED",
      "\"a\"              | W/\"a\"  | PRECONDITION_FAILED",
      "\"a,b\"            | \"a,b\"  | SERVE",
      "\"a,b\"            | \"a\"    | PRECONDITION_FAILED",
      "\"b\", \"a\"       | \"a\"    | SERVE",
      "*                  | W/\"a\"  | SERVE",
  })
  void ifMatchUsesStrongComparison(String ifMatch, String etag, Conditionals.Result expected) {
    assertThat(Conditionals.evaluate(HeaderList.of("If-Match", ifMatch.trim()), HeaderList.of("ETag", etag.trim())))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Sat, 05 Nov 1994 08:49:37 GMT | Sun, 06 Nov 1994 08:49:37 GMT | PRECONDITION_FAILED",
      "Sun, 06 Nov 1994 08:49:37 GMT | Sun, 06 Nov 1994 08:49:37 GMT | SERVE",
      "garbage                       | Sun, 06 Nov 1994 08:49:37 GMT | SERVE",
      "Sat, 05 Nov 1994 08:49:37 GMT | garbage                       | SERVE",
  })
  void ifUnmodifiedSinceIsIgnoredWithoutTwoValidDates(String iums, String lastModified, Conditionals.Result expected) {
    assertThat(Conditionals.evaluate(HeaderList.of("If-Unmodified-Since", iums.trim()),
        HeaderList.of("Last-Modified", lastModified.trim()))).isEqualTo(expected);
  }
}
