package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;
import org.junit.jupiter.api.Test;

/** Runs the Lua health checks of manifests/examples/argocd/argocd-cm.yaml the way Argo CD does (global obj). */
class ArgoHealthCheckTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String POLICY = "resource.customizations.health.cachemesh.io_CachePolicy";
  private static final String INVALIDATION = "resource.customizations.health.cachemesh.io_CacheInvalidation";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no status yet                      | {}                                                                          | Progressing",
      "accepted and ready                 | {conditions: [{type: Accepted, status: 'True'}, {type: Ready, status: 'True'}]} | Healthy",
      "invalid spec                       | {conditions: [{type: Accepted, status: 'False', reason: InvalidSpec, message: 'spec.rules[0].ttl: must be positive'}, {type: Ready, status: 'False'}]} | Degraded",
      "accepted, pods not in sync         | {conditions: [{type: Accepted, status: 'True'}, {type: Ready, status: 'False', reason: PodsNotInSync}]} | Progressing",
      "accepted, no Ready condition yet   | {conditions: [{type: Accepted, status: 'True'}]}                            | Progressing",
      "ready for an older generation      | {observedGeneration: 1, conditions: [{type: Accepted, status: 'True'}, {type: Ready, status: 'True'}]} | Progressing",
      "ready for the current generation   | {observedGeneration: 2, conditions: [{type: Accepted, status: 'True'}, {type: Ready, status: 'True'}]} | Healthy"})
  void cachePolicyHealth(String situation, String status, String expected) throws IOException {
    LuaTable result = run(POLICY, "{metadata: {name: catalog, generation: 2}, status: " + status + "}");

    assertThat(result.get("status").tojstring()).isEqualTo(expected);
    assertThat(result.get("message").tojstring()).isNotBlank();
  }

  @Test
  void degradedPolicyShowsTheFieldError() throws IOException {
    LuaTable result = run(POLICY, "{metadata: {generation: 1}, status: {conditions: [{type: Accepted, status: 'False', "
        + "message: 'spec.rules[0].ttl: must be positive'}]}}");

    assertThat(result.get("message").tojstring()).isEqualTo("spec.rules[0].ttl: must be positive");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no status yet | {}                                                   | Progressing",
      "pending       | {phase: Pending}                                     | Progressing",
      "published     | {phase: Published, streamId: 1700000000000-0}        | Healthy",
      "failed        | {phase: Failed, message: 'policy catalog not found'} | Degraded"})
  void cacheInvalidationHealth(String situation, String status, String expected) throws IOException {
    LuaTable result = run(INVALIDATION, "{metadata: {name: purge}, status: " + status + "}");

    assertThat(result.get("status").tojstring()).isEqualTo(expected);
  }

  private static LuaTable run(String key, String objectYaml) throws IOException {
    ConfigMap cm = Serialization.unmarshal(Files.readString(Repository.EXAMPLES.resolve("argocd/argocd-cm.yaml")), ConfigMap.class);
    String script = cm.getData().get(key);
    assertThat(script).as(key).isNotNull();
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(YAML.readTree(objectYaml)));
    LuaValue result = globals.load(script, key).call();
    assertThat(result.istable()).as("%s returns a table", key).isTrue();
    return (LuaTable) result;
  }

  private static LuaValue lua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        table.set(field.getKey(), lua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, lua(node.get(i)));
      }
      return table;
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf(node.asLong());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }
}
