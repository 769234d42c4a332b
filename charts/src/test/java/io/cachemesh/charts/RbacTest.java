package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart grants exactly what operator/README.md's RBAC table lists: rows scoped to the operator's
 * or the lease's namespace in a Role of the release namespace, every other row in the ClusterRole.
 */
class RbacTest {
  private static final String NAME = "cachemesh-operator";
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]*)` \\| (.+?) \\| ([a-z, ]+) \\| ([^|]+) \\|");

  record Grant(String group, String resource, String verb) implements Comparable<Grant> {
    @Override
    public int compareTo(Grant o) {
      return toString().compareTo(o.toString());
    }
  }

  @Test
  void clusterRoleAndRoleGrantExactlyTheReadmeTableAndTheWebhookNeeds() throws IOException {
    ChartRender render = ChartRender.of("defaults");
    Set<Grant> expectedCluster = readmeTable(false);
    Set<Grant> expectedRole = readmeTable(true);

    assertThat(grants(render.one(ClusterRole.class, NAME).getRules())).containsExactlyElementsOf(expectedCluster);
    assertThat(grants(render.one(Role.class, NAME).getRules())).containsExactlyElementsOf(expectedRole);
  }

  @Test
  void readmeTableIsReadCompletely() throws IOException {
    Set<Grant> readme = new TreeSet<>(readmeTable(false));
    readme.addAll(readmeTable(true));

    assertThat(readme).contains(new Grant("cachemesh.io", "cachepolicies/status", "patch"),
        new Grant("apps", "statefulsets", "patch"), new Grant("authorization.k8s.io", "selfsubjectrulesreviews", "create"),
        new Grant("coordination.k8s.io", "leases", "create"));
    assertThat(readme.stream().map(Grant::resource).distinct()).hasSize(18);
  }

  @Test
  void webhookConfigurationsArePatchableOnlyByName() {
    ChartRender render = ChartRender.of("defaults");

    List<PolicyRule> webhookRules = render.one(ClusterRole.class, NAME).getRules().stream()
        .filter(r -> r.getApiGroups().contains("admissionregistration.k8s.io")).toList();

    assertThat(webhookRules).hasSize(2).allSatisfy(r -> assertThat(r.getResourceNames()).hasSize(1));
    assertThat(webhookRules).flatExtracting(PolicyRule::getResourceNames)
        .containsExactlyInAnyOrder("cachemesh-sidecar-injector", "cachemesh-validation");
  }

  @Test
  void secretWritesAreConfinedToTheReleaseNamespace() {
    ChartRender render = ChartRender.of("defaults");

    assertThat(grants(render.one(ClusterRole.class, NAME).getRules()))
        .filteredOn(g -> g.resource().equals("secrets")).extracting(Grant::verb)
        .containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(render.one(Role.class, NAME).getMetadata().getNamespace()).isEqualTo(ChartRender.NAMESPACE);
  }

  @Test
  void certManagerModeDropsCertificateManagementRights() {
    ChartRender render = ChartRender.of("cert-manager");

    assertThat(grants(render.one(ClusterRole.class, NAME).getRules()))
        .noneMatch(g -> g.group().equals("admissionregistration.k8s.io"));
    assertThat(grants(render.one(Role.class, NAME).getRules())).noneMatch(g -> g.resource().equals("secrets"));
  }

  @Test
  void bindingsNameTheOperatorServiceAccount() {
    ChartRender render = ChartRender.of("defaults");

    assertThat(render.one(ClusterRoleBinding.class, NAME).getSubjects())
        .singleElement().satisfies(s -> {
          assertThat(s.getName()).isEqualTo(NAME);
          assertThat(s.getNamespace()).isEqualTo(ChartRender.NAMESPACE);
        });
    assertThat(render.one(RoleBinding.class, NAME).getRoleRef().getName()).isEqualTo(NAME);
    assertThat(render.one(io.fabric8.kubernetes.api.model.apps.Deployment.class, NAME)
        .getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(NAME);
  }

  /** @param namespaced the rows granted in the operator's (or the lease's) namespace, else the cluster-wide rows */
  static Set<Grant> readmeTable(boolean namespaced) throws IOException {
    String readme = Files.readString(Repository.ROOT.resolve("operator/README.md"));
    String section = readme.substring(readme.indexOf("## RBAC"), readme.indexOf("## Tests"));
    Set<Grant> out = new TreeSet<>();
    for (String line : section.lines().toList()) {
      Matcher m = ROW.matcher(line);
      if (!m.find()) {
        continue;
      }
      String scope = m.group(4).strip();
      if (namespaced != (scope.startsWith("operator namespace") || scope.startsWith("lease namespace"))) {
        continue;
      }
      String group = m.group(1).replace("\"", "");
      List<String> resources = new ArrayList<>();
      Matcher r = Pattern.compile("`([^`]+)`").matcher(m.group(2));
      while (r.find()) {
        resources.add(r.group(1));
      }
      for (String resource : resources) {
        for (String verb : m.group(3).split(",")) {
          out.add(new Grant(group, resource, verb.strip()));
        }
      }
    }
    return out;
  }

  private static Set<Grant> grants(List<PolicyRule> rules) {
    Set<Grant> out = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          rule.getVerbs().forEach(v -> out.add(new Grant(group, resource, v)));
        }
      }
    }
    return out;
  }
}
