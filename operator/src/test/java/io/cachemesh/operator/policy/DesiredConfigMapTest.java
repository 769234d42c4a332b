package io.cachemesh.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.compiled.ConfigJson;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.operator.Fixtures;
import io.cachemesh.operator.PodContract;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredConfigMapTest {
  private final PolicyCompiler compiler = new PolicyCompiler();

  private ConfigMap desiredFor(CachePolicy policy) throws Exception {
    return DesiredConfigMap.desired(policy, compiler.compile(policy));
  }

  @Test
  void configMapCarriesTheCompiledConfigItsHashLabelsAndOwner() throws Exception {
    CachePolicy policy = Fixtures.policy("catalog", Map.of("app", "catalog"), null, null);
    CompiledConfig compiled = compiler.compile(policy);

    ConfigMap map = DesiredConfigMap.desired(policy, compiled);

    assertThat(map.getMetadata().getName()).isEqualTo("catalog-cachemesh");
    assertThat(map.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(map.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "cachemesh")
        .containsEntry("cachemesh.io/policy", "catalog");
    assertThat(map.getMetadata().getAnnotations()).containsEntry(PodContract.CONFIG_HASH_ANNOTATION, compiled.hash());
    assertThat(map.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
      assertThat(ref.getKind()).isEqualTo("CachePolicy");
      assertThat(ref.getApiVersion()).isEqualTo("cachemesh.io/v1alpha1");
      assertThat(ref.getName()).isEqualTo("catalog");
      assertThat(ref.getUid()).isEqualTo("uid-catalog");
      assertThat(ref.getController()).isTrue();
    });
    CompiledConfig readBack = ConfigJson.read(map.getData().get("config.json").getBytes(StandardCharsets.UTF_8));
    assertThat(readBack).isEqualTo(compiled);
  }

  @Test
  void samePolicyGivesAnIdenticalObject() throws Exception {
    ConfigMap first = desiredFor(Fixtures.policy("catalog", Map.of("app", "catalog"), null, null));
    ConfigMap second = desiredFor(Fixtures.policy("catalog", Map.of("app", "catalog"), null, null));

    assertThat(second).isEqualTo(first);
    assertThat(DesiredConfigMap.upToDate(second, first)).isTrue();
  }

  @Test
  void aChangedPolicyIsNotUpToDate() throws Exception {
    ConfigMap before = desiredFor(Fixtures.policy("catalog", Map.of("app", "catalog"), null, null));
    ConfigMap after = desiredFor(Fixtures.policy("catalog", Map.of("app", "catalog"), "redis", null));

    assertThat(DesiredConfigMap.hashOf(after)).isNotEqualTo(DesiredConfigMap.hashOf(before));
    assertThat(DesiredConfigMap.upToDate(before, after)).isFalse();
  }

  @Test
  void labelsOthersAddedDoNotMakeItOutOfDateButAMissingOwnerDoes() throws Exception {
    ConfigMap desired = desiredFor(Fixtures.policy("catalog", null, null, null));
    ConfigMap withExtraLabel = new ConfigMapBuilder(desired).editMetadata().addToLabels("team", "web")
        .withResourceVersion("12").endMetadata().build();
    ConfigMap withoutOwner = new ConfigMapBuilder(desired).editMetadata().withOwnerReferences().endMetadata().build();

    assertThat(DesiredConfigMap.upToDate(withExtraLabel, desired)).isTrue();
    assertThat(DesiredConfigMap.upToDate(withoutOwner, desired)).isFalse();
    assertThat(DesiredConfigMap.upToDate(null, desired)).isFalse();
  }

  @Test
  void editedDataIsNotUpToDate() throws IOException, Exception {
    ConfigMap desired = desiredFor(Fixtures.policy("catalog", null, null, null));
    ConfigMap edited = new ConfigMapBuilder(desired).withData(Map.of("config.json", "{}")).build();

    assertThat(DesiredConfigMap.upToDate(edited, desired)).isFalse();
  }
}
