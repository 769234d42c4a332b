package io.cachemesh.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortTakeoverTest {
  @ParameterizedTest
  @CsvSource({
      "http, '', app-http",
      "web, '', app-web",
      "verylongportnam, '', app-verylongpor",
      "abcdefghij-xyz, '', app-abcdefghij",
      "http, app-http, app-http-",
  })
  void renamedPortIsAValidDeterministicNameOfAtMost15Characters(String name, String taken, String expectedPrefix) {
    String renamed = PortTakeover.rename(name, taken.isEmpty() ? Set.of() : Set.of(taken));
    assertThat(renamed).startsWith(expectedPrefix).hasSizeLessThanOrEqualTo(15)
        .matches("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$").doesNotContain("--");
    assertThat(renamed).isNotEqualTo(taken);
    assertThat(PortTakeover.rename(name, taken.isEmpty() ? Set.of() : Set.of(taken))).isEqualTo(renamed);
  }
}
