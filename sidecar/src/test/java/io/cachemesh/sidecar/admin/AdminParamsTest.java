package io.cachemesh.sidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachemesh.sidecar.engine.CacheRequest;
import io.cachemesh.sidecar.engine.Purge;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminParamsTest {
  @ParameterizedTest
  @CsvSource({"key,KEY", "path,PATH", "prefix,PREFIX", "tag,TAG", "TAG,TAG"})
  void everyPurgeKindIsAccepted(String kind, Purge.Kind expected) throws Exception {
    String value = expected == Purge.Kind.PATH || expected == Purge.Kind.PREFIX ? "/p" : "v";
    Purge purge = AdminParams.purge(Map.of("kind", List.of(kind), "value", List.of(value)));
    assertThat(purge).isEqualTo(new Purge(expected, List.of(value), false));
  }

  @Test
  void valuesMayBeRepeatedOrCommaSeparatedAndSoftIsABoolean() throws Exception {
    Purge purge = AdminParams.purge(Map.of("kind", List.of("tag"), "value", List.of("a"), "values", List.of("b, c"),
        "soft", List.of("true")));
    assertThat(purge).isEqualTo(new Purge(Purge.Kind.TAG, List.of("a", "b", "c"), true));
  }

  @Test
  void allTakesNoValues() throws Exception {
    assertThat(AdminParams.purge(Map.of("kind", List.of("all")))).isEqualTo(new Purge(Purge.Kind.ALL, List.of(), false));
  }

  @Test
  void jsonArraysBecomeRepeatedValues() throws Exception {
    Map<String, List<String>> params = AdminParams.fromJson(new ObjectMapper(),
        "{\"kind\":\"tag\",\"values\":[\"a\",\"b\"],\"soft\":true}".getBytes(StandardCharsets.UTF_8));
    assertThat(AdminParams.purge(params)).isEqualTo(new Purge(Purge.Kind.TAG, List.of("a", "b"), true));
  }

  @Test
  void repeatedSingleParameterIsRefused() {
    assertThatThrownBy(() -> AdminParams.purge(Map.of("kind", List.of("tag", "all"))))
        .isInstanceOfSatisfying(BadParameterException.class, e -> assertThat(e.parameter()).isEqualTo("kind"));
  }

  @Test
  void inspectTakesAPathOrAnAbsoluteUrl() throws Exception {
    CacheRequest relative = AdminParams.inspect(Map.of("url", List.of("/p?q=1"), "header", List.of("Accept: text/html")));
    assertThat(relative.host()).isEqualTo("localhost");
    assertThat(relative.pathAndQuery()).isEqualTo("/p?q=1");
    assertThat(relative.headers().first("Accept")).hasValue("text/html");

    CacheRequest absolute = AdminParams.inspect(Map.of("url", List.of("http://Shop.Example:80/x")));
    assertThat(absolute.host()).isEqualTo("shop.example");
    assertThat(absolute.path()).isEqualTo("/x");
    assertThat(absolute.rawQuery()).isNull();
    assertThat(absolute.method()).isEqualTo("GET");
  }
}
