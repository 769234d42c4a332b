package io.cachemesh.api.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.validation.InvalidationValidator;
import io.cachemesh.api.validation.InvalidPolicyException;
import io.cachemesh.api.validation.PolicyValidator;
import io.cachemesh.api.yaml.PolicyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in manifests/examples is accepted by the generated CRD's schema, the validator and the compiler. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("../manifests/examples");
  private static Map<String, CrdSchema> schemaByKind;

  @BeforeAll
  static void loadSchemas() throws IOException {
    schemaByKind = Map.of(
        CachePolicy.KIND, CrdSchema.load(Path.of("cachepolicies.cachemesh.io.yaml")),
        CacheInvalidation.KIND, CrdSchema.load(Path.of("cacheinvalidations.cachemesh.io.yaml")));
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @Test
  void examplesCoverAtLeastFivePoliciesAndOneInvalidation() throws IOException {
    Map<String, Long> kinds = examples().collect(Collectors.groupingBy(ExamplesTest::kindOf, Collectors.counting()));

    assertThat(kinds.getOrDefault(CachePolicy.KIND, 0L)).isGreaterThanOrEqualTo(5);
    assertThat(kinds.getOrDefault(CacheInvalidation.KIND, 0L)).isGreaterThanOrEqualTo(1);
    assertThat(kinds.keySet()).containsOnly(CachePolicy.KIND, CacheInvalidation.KIND);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleSaysWhatItShowsAtTheTop(Path example) throws IOException {
    assertThat(Files.readAllLines(example).getFirst()).startsWith("# ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleMatchesTheGeneratedCrdSchema(Path example) throws IOException {
    JsonNode document = CrdSchema.YAML.readTree(example.toFile());

    assertThat(schemaByKind.get(document.path("kind").asText()).validate(document)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void examplePassesTheSemanticValidatorAndCompiles(Path example) throws IOException, InvalidPolicyException {
    String yaml = Files.readString(example);
    if (kindOf(example).equals(CacheInvalidation.KIND)) {
      assertThat(new InvalidationValidator().validate(PolicyYaml.readInvalidation(yaml))).isEmpty();
      return;
    }
    CachePolicy policy = PolicyYaml.readPolicy(yaml);
    assertThat(new PolicyValidator().validate(policy)).isEmpty();
    CompiledConfig config = new PolicyCompiler().compile(policy);
    assertThat(config.policy().namespace()).isEqualTo(policy.getMetadata().getNamespace());
    assertThat(config.rules()).hasSize(policy.getSpec().rulesOrEmpty().size());
  }

  static Stream<Arguments> schemaViolations() {
    return Stream.of(
        violation("a ttl that is not a duration", "/spec/defaults/ttl", doc -> spec(doc).withObject("defaults").put("ttl", "5 minutes")),
        violation("no upstream", "upstream", doc -> spec(doc).remove("upstream")),
        violation("no port", "port", doc -> spec(doc).withObject("upstream").remove("port")),
        violation("a port that is neither number nor name", "/spec/upstream/port",
            doc -> spec(doc).withObject("upstream").put("port", true)),
        violation("a misspelt field", "tll", doc -> spec(doc).withObject("defaults").put("tll", "5m")),
        violation("an unknown scope", "/spec/defaults/scope", doc -> spec(doc).withObject("defaults").put("scope", "Private")),
        violation("a size with a fraction", "/spec/tiers/memory/maxSize",
            doc -> spec(doc).withObject("tiers").withObject("memory").put("maxSize", "1.5Gi")),
        violation("a rule without a name", "name", doc -> spec(doc).putArray("rules").addObject().put("ttl", "1m")),
        violation("a broker without a secret", "secretName", doc -> spec(doc).withObject("broker").remove("secretName")),
        violation("a negative keyVersion", "/spec/keyVersion", doc -> spec(doc).put("keyVersion", -1)),
        violation("no spec", "spec", doc -> doc.remove("spec")));
  }

  private static Arguments violation(String what, String mentioned, Consumer<ObjectNode> edit) {
    return Arguments.of(what, mentioned, edit);
  }

  private static ObjectNode spec(ObjectNode document) {
    return document.withObject("spec");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaViolations")
  void schemaRefusesAnInvalidPolicy(String what, String mentioned, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode document = (ObjectNode) CrdSchema.YAML.readTree(EXAMPLES.resolve("storefront-site-wide.yaml").toFile());
    assertThat(schemaByKind.get(CachePolicy.KIND).validate(document)).as("the unedited example").isEmpty();

    edit.accept(document);
    List<Error> errors = schemaByKind.get(CachePolicy.KIND).validate(document);

    assertThat(errors).isNotEmpty();
    assertThat(errors.toString()).contains(mentioned);
  }

  @Test
  void schemaRefusesAnInvalidationWithoutPolicyRef() throws IOException {
    ObjectNode document = (ObjectNode) CrdSchema.YAML.readTree(EXAMPLES.resolve("invalidate-product-42.yaml").toFile());
    document.withObject("spec").remove("policyRef");

    assertThat(schemaByKind.get(CacheInvalidation.KIND).validate(document).toString()).contains("policyRef");
  }

  private static String kindOf(Path example) {
    try {
      return CrdSchema.YAML.readTree(example.toFile()).path("kind").asText();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + example, e);
    }
  }
}
