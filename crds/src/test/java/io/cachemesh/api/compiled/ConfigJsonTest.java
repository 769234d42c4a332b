package io.cachemesh.api.compiled;

import static io.cachemesh.api.TestPolicies.compile;
import static io.cachemesh.api.TestPolicies.read;
import static io.cachemesh.api.TestPolicies.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final CompiledConfig config = compile(read(resource("every-field.yaml")));

  @Test
  void compiledConfigSurvivesWriteThenRead() throws IOException {
    CompiledConfig back = ConfigJson.read(ConfigJson.write(config).getBytes(StandardCharsets.UTF_8));

    assertThat(back).isEqualTo(config);
    assertThat(back.ruleFor("GET", "/products/42").pathParams("/products/42")).containsEntry("id", "42");
  }

  @Test
  void writingIsDeterministicSoTheConfigMapDoesNotChurn() {
    assertThat(ConfigJson.write(compile(read(resource("every-field.yaml"))))).isEqualTo(ConfigJson.write(config));
  }

  static Stream<Arguments> tampered() {
    return Stream.of(
        Arguments.of("another schema version", (Consumer<ObjectNode>) doc -> doc.put("schemaVersion", 2),
            "schemaVersion 2 is not supported (this sidecar reads 1)"),
        Arguments.of("an edited ttl", (Consumer<ObjectNode>) doc -> ((ObjectNode) doc.withArray("rules").get(1)).put("ttlMillis", 1),
            "does not match the content"),
        Arguments.of("a missing hash", (Consumer<ObjectNode>) doc -> doc.remove("hash"), "hash null does not match the content"),
        Arguments.of("no rules", (Consumer<ObjectNode>) doc -> doc.remove("rules"), "compiled config is incomplete"),
        Arguments.of("no defaults", (Consumer<ObjectNode>) doc -> doc.remove("defaults"), "compiled config is incomplete"),
        Arguments.of("no memory tier", (Consumer<ObjectNode>) doc -> doc.putNull("memory"), "compiled config is incomplete"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tampered")
  void readRefusesADocumentItCannotTrust(String what, Consumer<ObjectNode> edit, String message) throws IOException {
    ObjectNode doc = (ObjectNode) JSON.readTree(ConfigJson.write(config));
    edit.accept(doc);
    byte[] bytes = JSON.writeValueAsBytes(doc);

    assertThatIOException().isThrownBy(() -> ConfigJson.read(bytes)).withMessageContaining(message);
  }

  @Test
  void readRefusesWhatIsNotJson() {
    assertThatIOException().isThrownBy(() -> ConfigJson.read("{\"schemaVersion\": 1, ".getBytes(StandardCharsets.UTF_8)));
  }
}
