package io.cachemesh.api.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cachemesh.api.Units;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0s", Duration.ZERO),
        Arguments.of("500ms", Duration.ofMillis(500)),
        Arguments.of("30s", Duration.ofSeconds(30)),
        Arguments.of("5m", Duration.ofMinutes(5)),
        Arguments.of("1h30m", Duration.ofMinutes(90)),
        Arguments.of("90m", Duration.ofMinutes(90)),
        Arguments.of("7d", Duration.ofDays(7)),
        Arguments.of("1d1h1m1s1ms", Duration.ofMillis(90_061_001)),
        Arguments.of("1s1s", Duration.ofSeconds(2)),
        Arguments.of("365d", Duration.ofDays(365)));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("valid")
  void parsesKubernetesStyleDurations(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"5", "1.5h", "-1s", "1h 30m", "1y", "s", "ms5", "5S", "PT5M", " 5m"})
  void refusesWhatIsNotADurationNamingTheText(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
        .withMessage("'" + text + "' is not a duration (use e.g. 500ms, 30s, 5m, 1h30m, 7d)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999999s", "9223372036854775807d", "106751991167300d106751991167300d"})
  void refusesADurationThatOverflows(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text)).withMessageContaining("too long a duration");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "500ms", "30s", "5m", "1h30m", "7d", "1d1h1m1s1ms", "-1s", "1.5h", "1y", "", "5", "1h 30m",
      "5S", "m", "10ms10ms", "007s", "1d0h", "ms", "1hm"})
  void acceptsExactlyWhatTheSchemaPatternAccepts(String text) {
    boolean schemaAccepts = Pattern.compile(Units.DURATION_PATTERN).matcher(text).matches();
    boolean parserAccepts = catchThrowable(() -> Durations.parse(text)) == null;
    assertThat(parserAccepts).as("parser accepts '%s'", text).isEqualTo(schemaAccepts);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "500ms", "30s", "5m", "1h30m", "7d", "1d1h1m1s1ms", "365d"})
  void formatGivesBackTheCanonicalText(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }

  @Test
  void formatNormalisesToLargestUnits() {
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
  }
}
