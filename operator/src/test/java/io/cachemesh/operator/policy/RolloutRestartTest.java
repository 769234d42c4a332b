package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RolloutRestartTest {
  @Test
  void restartPatchSetsThePodTemplateRestartedAtAnnotationAsKubectlDoes() throws Exception {
    String patch = RolloutRestart.patch(Instant.parse("2026-05-04T03:02:01.987Z"));

    JsonNode tree = new ObjectMapper().readTree(patch);
    assertThat(tree.at("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt").asText())
        .isEqualTo("2026-05-04T03:02:01Z");
    assertThat(tree.size()).isEqualTo(1);
    assertThat(tree.at("/spec").size()).isEqualTo(1);
  }
}
