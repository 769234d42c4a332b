package io.cachemesh.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * manifests/install as generated from the chart with default values in namespace cachemesh-system:
 * file name to content. The CRDs are the chart's copies; the rest is helm's output grouped by role.
 */
final class InstallManifests {
  static final String NAMESPACE = "cachemesh-system";
  static final String REGENERATE = "./mvnw -B -pl charts verify -Dmanifests.update=true";
  private static final String HEADER = "# Generated from charts/cachemesh (default values, namespace " + NAMESPACE + ").\n"
      + "# Do not edit: change the chart and run " + REGENERATE + "\n";
  private static final Map<String, List<String>> FILES = files();

  private InstallManifests() {
  }

  private static Map<String, List<String>> files() {
    Map<String, List<String>> files = new LinkedHashMap<>();
    files.put("rbac.yaml", List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"));
    files.put("operator.yaml", List.of("Deployment", "PodDisruptionBudget", "Service"));
    files.put("webhooks.yaml", List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"));
    return files;
  }

  static Map<String, String> generate() throws IOException {
    String rendered = ChartRender.template(Repository.values("defaults"), NAMESPACE);
    Map<String, StringBuilder> byFile = new LinkedHashMap<>();
    FILES.keySet().forEach(f -> byFile.put(f, new StringBuilder(HEADER)));
    for (String document : rendered.split("(?m)^---\\s*$")) {
      if (document.isBlank()) {
        continue;
      }
      List<HasMetadata> parsed = ChartRender.objects(document);
      if (parsed.size() != 1) {
        throw new IllegalStateException("expected one object per rendered document, got " + parsed.size());
      }
      String kind = parsed.getFirst().getKind();
      String file = FILES.entrySet().stream().filter(e -> e.getValue().contains(kind)).map(Map.Entry::getKey)
          .findFirst().orElseThrow(() -> new IllegalStateException("no install file for kind " + kind));
      byFile.get(file).append("---\n").append(document.strip()).append('\n');
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put("namespace.yaml", HEADER + "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NAMESPACE + "\n"
        + "  labels:\n    app.kubernetes.io/part-of: cachemesh\n"
        + "    pod-security.kubernetes.io/enforce: restricted\n");
    for (Path crd : chartCrds()) {
      out.put("crds/" + crd.getFileName(), Files.readString(crd));
    }
    byFile.forEach((f, content) -> out.put(f, content.toString()));
    out.put("kustomization.yaml", kustomization(out.keySet()));
    return out;
  }

  /** The files under manifests/install now, by path relative to it. */
  static Map<String, String> committed() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.isDirectory(Repository.INSTALL)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(Repository.INSTALL)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.put(Repository.INSTALL.relativize(f).toString().replace('\\', '/'), Files.readString(f));
      }
    }
    return out;
  }

  static void write(Map<String, String> files) throws IOException {
    for (String stale : committed().keySet()) {
      if (!files.containsKey(stale)) {
        Files.delete(Repository.INSTALL.resolve(stale));
      }
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path target = Repository.INSTALL.resolve(f.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue());
    }
  }

  private static List<Path> chartCrds() throws IOException {
    try (Stream<Path> files = Files.list(Repository.CHART.resolve("crds"))) {
      return files.sorted().toList();
    }
  }

  private static String kustomization(Iterable<String> resources) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER.strip());
    lines.add("apiVersion: kustomize.config.k8s.io/v1beta1");
    lines.add("kind: Kustomization");
    lines.add("resources:");
    for (String r : resources) {
      lines.add("  - " + r);
    }
    return String.join("\n", lines) + "\n";
  }
}
