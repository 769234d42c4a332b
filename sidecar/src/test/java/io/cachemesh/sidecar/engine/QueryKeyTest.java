package io.cachemesh.sidecar.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Query strings enter keys normalised per rule: same key, one origin call. */
class QueryKeyTest extends EngineFixture {

  @ParameterizedTest(name = "{0}: {1} and {2} share={3}")
  @CsvSource(delimiter = '|', value = {
      "{}                          | /p?b=2&a=1           | /p?a=1&b=2              | true",
      "{}                          | /p?a=1&utm_source=x  | /p?a=1                  | true",
      "{}                          | /p?gclid=1&fbclid=2  | /p                      | true",
      "{}                          | /p?a=1               | /p?a=2                  | false",
      "{}                          | /p?a=2&a=1           | /p?a=1&a=2              | false",
      "{keepTracking: true}        | /p?utm_source=x      | /p                      | false",
      "{keep: [page]}              | /p?page=2&sort=x     | /p?page=2               | true",
      "{keep: [page]}              | /p?page=2            | /p?page=3               | false",
      "{keep: [f_*]}               | /p?f_color=red&x=1   | /p?f_color=red          | true",
      "{keep: [f_*]}               | /p?f_color=red       | /p?f_color=blue         | false",
      "{drop: [session*, ref]}     | /p?a=1&sessionid=9&ref=x | /p?a=1              | true",
      "{drop: [ref]}               | /p?a=1&utm_medium=m  | /p?a=1                  | true",
      "{ignore: true}              | /p?a=1               | /p?b=2                  | true",
  })
  void queryNormalisationDecidesWhichRequestsShareAnEntry(String query, String first, String second, boolean share) {
    engine("defaults:\n  ttl: 60s\n  varyBy:\n    query: " + query + "\n");
    get(first.trim());
    get(second.trim());
    assertThat(origin.calls()).isEqualTo(share ? 1 : 2);
  }
}
