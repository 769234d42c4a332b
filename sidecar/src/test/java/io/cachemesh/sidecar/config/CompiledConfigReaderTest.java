package io.cachemesh.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.Precedence;
import io.cachemesh.api.PurgeMode;
import io.cachemesh.api.Scope;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.CompiledPath;
import io.cachemesh.api.compiled.CompiledRule;
import io.cachemesh.api.compiled.ConfigHash;
import io.cachemesh.api.compiled.ConfigJson;
import io.cachemesh.api.compiled.InvalidationConfig;
import io.cachemesh.api.compiled.KeySpec;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.compiled.SharedConfig;
import io.cachemesh.api.yaml.PolicyYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CompiledConfigReaderTest {
  /** Every CachePolicy example of the repository, the sidecar's dev policy and the bench policy. */
  static Stream<Path> policies() throws IOException {
    try (Stream<Path> examples = Files.list(Path.of("../manifests/examples"))) {
      List<Path> files = Stream.concat(examples.filter(f -> f.toString().endsWith(".yaml")),
              Stream.of(Path.of("examples/dev-policy.yaml"), Path.of("../e2e/bench/bench-policy.yaml")))
          .filter(CompiledConfigReaderTest::isPolicy)
          .sorted()
          .toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(7);
      return files.stream();
    }
  }

  private static boolean isPolicy(Path file) {
    try {
      return Files.readString(file).contains("kind: " + CachePolicy.KIND);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompiledConfig compile(Path policy) throws Exception {
    return new PolicyCompiler().compile(PolicyYaml.readPolicy(policy));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void readsWhatTheOperatorWritesAsJacksonReadsIt(Path policy) throws Exception {
    byte[] written = ConfigJson.write(compile(policy)).getBytes(StandardCharsets.UTF_8);

    CompiledConfig read = CompiledConfigReader.read(written);

    assertThat(read).isEqualTo(ConfigJson.read(written)).isEqualTo(compile(policy));
    assertThat(ConfigJson.write(read).getBytes(StandardCharsets.UTF_8)).isEqualTo(written);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void canonicalHashEqualsTheOperatorsConfigHash(Path policy) throws Exception {
    CompiledConfig config = compile(policy);

    assertThat(CanonicalConfig.hash(config)).isEqualTo(ConfigHash.of(config)).isEqualTo(config.hash());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void compactFormInAnotherPropertyOrderIsReadAlike(Path policy) throws Exception {
    CompiledConfig config = compile(policy);
    // Canonical compact JSON, with the hash moved to the front: whitespace and order do not matter.
    String compact = CanonicalConfig.json(config.withHash(null)).replace("\"hash\":null,", "");
    String reordered = "{\"hash\":\"" + config.hash() + "\"," + compact.substring(1);

    assertThat(CompiledConfigReader.read(reordered.getBytes(StandardCharsets.UTF_8))).isEqualTo(config);
  }

  static Stream<Arguments> awkwardValues() {
    return Stream.of(
        Arguments.of("quote and backslash", "a\"b\\c/d"),
        Arguments.of("short control escapes", "tab\there\nnew\rret\bback\fform"),
        Arguments.of("other control characters", "nul\u0000unit\u001fdel\u007f"),
        Arguments.of("non-ASCII", "caf\u00e9 \u6f22\u5b57 \ud83d\ude00"),
        Arguments.of("empty", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("awkwardValues")
  void stringsNeedingEscapesHashAndRoundTripAsJacksonDoes(String label, String value) throws Exception {
    CompiledConfig config = withEveryField(value, Scope.PER_USER, Precedence.POLICY, PurgeMode.SOFT,
        CompiledPath.Kind.REGEX, KeySpec.QueryMode.KEEP);

    assertThat(CanonicalConfig.hash(config)).isEqualTo(ConfigHash.of(config));
    assertThat(CompiledConfigReader.read(ConfigJson.write(config).getBytes(StandardCharsets.UTF_8))).isEqualTo(config);
  }

  static Stream<Arguments> enumConstants() {
    return Stream.of(Scope.values()).flatMap(scope -> Stream.of(Precedence.values()).flatMap(precedence ->
        Stream.of(PurgeMode.values()).flatMap(mode -> Stream.of(CompiledPath.Kind.values()).flatMap(kind ->
            Stream.of(KeySpec.QueryMode.values()).map(query -> Arguments.of(scope, precedence, mode, kind, query))))));
  }

  @ParameterizedTest
  @MethodSource("enumConstants")
  void everyEnumConstantIsWrittenAndReadUnderJacksonsName(Scope scope, Precedence precedence, PurgeMode mode,
      CompiledPath.Kind kind, KeySpec.QueryMode query) throws Exception {
    CompiledConfig config = withEveryField("v", scope, precedence, mode, kind, query);

    assertThat(CanonicalConfig.hash(config)).isEqualTo(ConfigHash.of(config));
    assertThat(CompiledConfigReader.read(ConfigJson.write(config).getBytes(StandardCharsets.UTF_8))).isEqualTo(config);
  }

  /** A config whose every string carries {@code text} and whose nullable fields are set. */
  private static CompiledConfig withEveryField(String text, Scope scope, Precedence precedence, PurgeMode mode,
      CompiledPath.Kind kind, KeySpec.QueryMode query) throws Exception {
    CompiledConfig base = compile(Path.of("examples/dev-policy.yaml"));
    CompiledRule d = base.defaults();
    CompiledRule rule = new CompiledRule(text, List.of("GET", text), new CompiledPath(kind, text, "^/(?<id>[^/]+)$",
        List.of("id")), true, 1, 2, 3, 4, new KeySpec(List.of(text), List.of(text), query, List.of(text), false), scope,
        List.of(text), precedence, text);
    return ConfigHash.stamp(new CompiledConfig(base.schemaVersion(), base.policy(), text, 7, text, List.of(rule, d), d,
        base.memory(), new SharedConfig(true, text), new InvalidationConfig(text, true, false, mode), null));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("\"ttlMillis\" : 3600000", "\"ttlMillis\" : \"1h\"", "defaults.ttlMillis: expected an integer, got a string"),
        Arguments.of("\"ttlMillis\" : 3600000", "\"ttlMillis\" : null", "defaults.ttlMillis: must not be null"),
        Arguments.of("\"ttlMillis\" : 3600000", "\"ttlMillis\" : 1.5", "only integers are expected here"),
        Arguments.of("\"cache\" : true", "\"cache\" : 1", "defaults.cache: expected true or false, got a number"),
        Arguments.of("\"scope\" : \"Shared\"", "\"scope\" : \"SHARED\"", "defaults.scope: expected one of [Shared, PerUser], got \"SHARED\""),
        Arguments.of("\"queryMode\" : \"ALL\"", "\"queryMode\" : \"all\"", "defaults.key.queryMode: expected one of [ALL, KEEP, DROP, IGNORE]"),
        Arguments.of("\"methods\" : [ \"GET\", \"HEAD\" ]", "\"methods\" : [ \"GET\", 7 ]", "defaults.methods[1]: expected a string, got a number"),
        Arguments.of("\"methods\" : [ \"GET\", \"HEAD\" ]", "\"methods\" : \"GET\"", "defaults.methods: expected an array, got a string"),
        Arguments.of("\"rules\" : [ ]", "\"rules\" : [ null ]", "rules[0]: must not be null"),
        Arguments.of("\"rules\" : [ ]", "\"rules\" : [ 1 ]", "rules[0]: expected an object, got a number"),
        Arguments.of("\"maxSizeBytes\" : 33554432", "\"maxSize\" : 33554432", "memory.maxSizeBytes: missing"),
        Arguments.of("\"keyVersion\" : 0", "\"keyVersion\" : 4294967296", "keyVersion: 4294967296 is out of range"),
        Arguments.of("\"schemaVersion\" : 1", "\"schemaVersion\" : 2", "schemaVersion 2 is not supported (this sidecar reads 1)"),
        Arguments.of("\"ttlMillis\" : 3600000", "\"ttlMillis\" : 3600001", "does not match the content"),
        Arguments.of("\"name\" : \"bench\"", "\"name\" : \"bench\", \"name\" : \"x\"", "duplicate property \"name\""),
        Arguments.of("\"upstreamPort\" : \"18000\"\n}", "\"upstreamPort\" : \"18000\"\n", "unexpected end of input"),
        Arguments.of("\"upstreamPort\" : \"18000\"\n}", "\"upstreamPort\" : \"18000\"\n} x", "line 47 column 3: unexpected content"),
        Arguments.of("\"keyPrefix\" : \"cm:{bench/bench}:\"", "\"keyPrefix\" : \"cm\\q\"", "invalid escape"),
        Arguments.of("\"keyVersion\" : 0", "\"keyVersion\" : 01", "leading zero"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("malformed")
  void malformedConfigIsRefusedNamingTheFieldAndTheReason(String from, String to, String message) throws Exception {
    String good = ConfigJson.write(compile(Path.of("../e2e/bench/bench-policy.yaml")));
    assertThat(good).contains(from);

    assertThatThrownBy(() -> CompiledConfigReader.read(good.replace(from, to).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void everyTruncationIsRefused(Path policy) throws Exception {
    byte[] written = ConfigJson.write(compile(policy)).trim().getBytes(StandardCharsets.UTF_8);

    for (int length = 0; length < written.length; length += 7) {
      byte[] cut = java.util.Arrays.copyOf(written, length);
      assertThatThrownBy(() -> CompiledConfigReader.read(cut)).isInstanceOf(IOException.class);
    }
  }
}
