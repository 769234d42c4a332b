package io.cachemesh.api.compiled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PathTemplateTest {

  @Test
  void parametersAreNamedInOrderAndMatchOneSegmentEach() {
    PathTemplate template = PathTemplate.parse("/shops/{shop}/products/{id}");

    assertThat(template.params()).containsExactly("shop", "id");
    Matcher m = Pattern.compile(template.regex()).matcher("/shops/north/products/42");
    assertThat(m.matches()).isTrue();
    assertThat(m.group("shop")).isEqualTo("north");
    assertThat(m.group("id")).isEqualTo("42");
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
      "/products/{id}, /products/42, true",
      "/products/{id}, /products/, false",
      "/products/{id}, /products/4/2, false",
      "/products/{id}, /products/42/, false",
      "/products/{id}, /xproducts/42, false",
      "/a.b/{id}, /a.b/1, true",
      "/a.b/{id}, /aXb/1, false",
      "/files/{name}.json, /files/report.json, true",
      "/files/{name}.json, /files/report.xml, false",
      "/about, /about, true",
      "/about, /about/team, false",
  })
  void templateMatchesWholePathsWithLiteralTextTakenLiterally(String template, String path, boolean matches) {
    assertThat(Pattern.compile(PathTemplate.parse(template).regex()).matcher(path).matches()).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/products/{id}, /products/",
      "/shops/{shop}/products/{id}, /shops/",
      "/about, /about",
      "/{page}, /",
      "/files/v{version}/{name}, /files/v",
  })
  void literalPrefixIsTheTextBeforeTheFirstParameter(String template, String prefix) {
    assertThat(PathTemplate.parse(template).literalPrefix()).isEqualTo(prefix);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(null, "a path template must start with /"),
        Arguments.of("products/{id}", "a path template must start with /"),
        Arguments.of("/products/{id", "unclosed '{' at position 10"),
        Arguments.of("/products/id}", "unbalanced '}' at position 12"),
        Arguments.of("/products/{}", "parameter '{}' must be a letter followed by letters or digits"),
        Arguments.of("/products/{1d}", "parameter '{1d}' must be a letter"),
        Arguments.of("/products/{product-id}", "parameter '{product-id}' must be a letter"),
        Arguments.of("/p/{id}/q/{id}", "parameter '{id}' appears twice"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalid")
  void invalidTemplateIsRefusedSayingWhy(String template, String reason) {
    assertThatIllegalArgumentException().isThrownBy(() -> PathTemplate.parse(template)).withMessageContaining(reason);
  }

  @Test
  void namedGroupsOfARegexAreItsParametersButLookbehindsAreNot() {
    assertThat(PathTemplate.namedGroups("^/p/(?<id>[0-9]+)/(?<page>\\d+)(?<=\\d)(?<!x)$")).isEqualTo(List.of("id", "page"));
    assertThat(PathTemplate.namedGroups("^/static/.*$")).isEmpty();
  }
}
