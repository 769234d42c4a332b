package io.cachemesh.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonPatchesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Stream<Arguments> documentPairs() {
    return Stream.of(
        Arguments.of("{}", "{}", 0),
        Arguments.of("{\"a\":1}", "{\"a\":2}", 1),
        Arguments.of("{\"a\":1,\"b\":2}", "{\"a\":1}", 1),
        Arguments.of("{\"m\":{\"a/b\":1}}", "{\"m\":{\"a/b\":1,\"x~y\":2}}", 1),
        Arguments.of("[1,2,3]", "[0,1,2,3]", 1),
        Arguments.of("[1,2,3]", "[1,2,3,4]", 1),
        Arguments.of("[1,2,3]", "[1,3]", 1),
        Arguments.of("[1,2,3]", "[1,9,3]", 1),
        Arguments.of("[1,2,3]", "[7,8]", 1),
        Arguments.of("[{\"name\":\"a\",\"v\":1},{\"name\":\"b\"}]", "[{\"name\":\"s\"},{\"name\":\"a\",\"v\":2},{\"name\":\"b\"},{\"name\":\"t\"}]", 3),
        Arguments.of("[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]", "[{\"name\":\"a\"},{\"name\":\"c\"}]", 1),
        Arguments.of("{\"a\":[1]}", "{\"a\":{\"b\":1}}", 1),
        Arguments.of("{\"a\":null}", "{\"a\":\"x\"}", 1));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("documentPairs")
  void patchTransformsTheSourceIntoTheTargetWithTheExpectedNumberOfOperations(String from, String to, int ops) throws Exception {
    JsonNode source = MAPPER.readTree(from);
    JsonNode target = MAPPER.readTree(to);
    JsonNode patch = JsonPatches.diff(source, target);
    assertThat(JsonPatch.apply(patch, source)).isEqualTo(target);
    assertThat(patch).hasSize(ops);
  }

  @Test
  void keysWithSlashAndTildeAreEscapedPerRfc6901() throws Exception {
    JsonNode patch = JsonPatches.diff(MAPPER.readTree("{\"m\":{}}"), MAPPER.readTree("{\"m\":{\"cachemesh.io/x~1\":\"v\"}}"));
    assertThat(patch.get(0).get("path").asText()).isEqualTo("/m/cachemesh.io~1x~01");
    assertThat(JsonPatches.escape("a~/b")).isEqualTo("a~0~1b");
  }
}
