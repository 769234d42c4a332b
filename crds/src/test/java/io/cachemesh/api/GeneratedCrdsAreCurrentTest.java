package io.cachemesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs committed under {@code crds/} are the ones the Java types generate: one source of truth.
 * After changing the types, regenerate with {@code ./mvnw -pl crds verify -Dcrds.update=true}.
 */
class GeneratedCrdsAreCurrentTest {
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path COMMITTED = Path.of(".");

  @ParameterizedTest
  @ValueSource(strings = {"cachepolicies.cachemesh.io", "cacheinvalidations.cachemesh.io"})
  void committedCrdMatchesWhatTheTypesGenerate(String crd) throws IOException {
    String generated = Files.readString(GENERATED.resolve(crd + "-v1.yml"));
    Path committed = COMMITTED.resolve(crd + ".yaml");
    if (Boolean.getBoolean("crds.update")) {
      Files.writeString(committed, generated);
    }
    assertThat(committed).as("committed CRD %s (regenerate: ./mvnw -pl crds verify -Dcrds.update=true)", committed).exists();
    assertThat(Files.readString(committed))
        .as("%s differs from what the Java types generate; regenerate: ./mvnw -pl crds verify -Dcrds.update=true", committed)
        .isEqualTo(generated);
  }
}
