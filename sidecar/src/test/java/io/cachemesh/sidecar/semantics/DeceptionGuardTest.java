package io.cachemesh.sidecar.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeceptionGuardTest {
  @ParameterizedTest(name = "{0} as {1}: disagrees={2}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "/account/x.css        | text/html                 | true",
      "/account/x.css        | text/css; charset=utf-8   | false",
      "/a.js                 | text/javascript           | false",
      "/a.js                 | application/json          | true",
      "/logo.PNG             | image/png                 | false",
      "/logo.png             | NULL                      | true",
      "/font.woff2           | application/octet-stream  | false",
      "/feed.xml             | application/atom+xml      | false",
      "/api/user.json        | text/html                 | true",
      "/api/user.json        | application/vnd.x+json    | false",
      "/page.html            | text/html                 | false",
      "/no-extension         | text/html                 | false",
      "/dir.css/page         | text/html                 | false",
  })
  void staticExtensionsMustMatchTheContentType(String path, String contentType, boolean disagrees) {
    assertThat(DeceptionGuard.disagrees(path.trim(), contentType == null ? null : contentType.trim())).isEqualTo(disagrees);
  }
}
