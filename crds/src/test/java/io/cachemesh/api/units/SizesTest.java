package io.cachemesh.api.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cachemesh.api.Units;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", 0L),
        Arguments.of("4096", 4096L),
        Arguments.of("512Ki", 512L * 1024),
        Arguments.of("64Mi", 64L * 1024 * 1024),
        Arguments.of("1Gi", 1L << 30),
        Arguments.of("64Gi", 64L << 30),
        Arguments.of("1k", 1_000L),
        Arguments.of("100M", 100_000_000L),
        Arguments.of("2G", 2_000_000_000L),
        Arguments.of("8589934591Gi", 8_589_934_591L << 30));
  }

  @ParameterizedTest(name = "{0} = {1} bytes")
  @MethodSource("valid")
  void parsesQuantitiesAsBytes(String text, long bytes) {
    assertThat(Sizes.parseBytes(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"1.5Gi", "64MB", "64mi", "-1", "1Ti", "1 Mi", "Mi", "1K", "1e3", "0x10"})
  void refusesWhatIsNotASizeNamingTheText(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parseBytes(text))
        .withMessage("'" + text + "' is not a size (use e.g. 512Ki, 64Mi, 1Gi, 100M or a number of bytes)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775807Ki", "99999999999999999999", "8589934592Gi", "9300000000G"})
  void refusesASizeThatOverflows(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parseBytes(text)).withMessage("'" + text + "' is too large a size");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "4096", "512Ki", "64Mi", "1Gi", "1k", "100M", "2G", "1.5Gi", "64MB", "64mi", "-1", "1Ti",
      "", "Mi", "1K", "1e3", "007Mi", "1Mi1"})
  void acceptsExactlyWhatTheSchemaPatternAccepts(String text) {
    boolean schemaAccepts = Pattern.compile(Units.SIZE_PATTERN).matcher(text).matches();
    boolean parserAccepts = catchThrowable(() -> Sizes.parseBytes(text)) == null;
    assertThat(parserAccepts).as("parser accepts '%s'", text).isEqualTo(schemaAccepts);
  }
}
