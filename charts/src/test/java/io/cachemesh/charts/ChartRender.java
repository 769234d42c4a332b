package io.cachemesh.charts;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The chart rendered by helm-java (helm as a native library: no helm binary needed), as text and as
 * fabric8 objects.
 */
record ChartRender(String text, List<HasMetadata> objects) {
  static final String RELEASE = "cachemesh";
  static final String NAMESPACE = "cachemesh-system";

  static ChartRender of(String valuesName) {
    return of(valuesName, NAMESPACE);
  }

  static ChartRender of(String valuesName, String namespace) {
    return parse(template(Repository.values(valuesName), namespace));
  }

  static String template(Path valuesFile, String namespace) {
    return new Helm(Repository.CHART).template()
        .withName(RELEASE)
        .withNamespace(namespace)
        .withValuesFile(valuesFile)
        .call();
  }

  static ChartRender parse(String text) {
    return new ChartRender(text, objects(text));
  }

  static List<HasMetadata> objects(String multiDocumentYaml) {
    Object parsed = Serialization.unmarshal(new ByteArrayInputStream(multiDocumentYaml.getBytes(StandardCharsets.UTF_8)));
    List<HasMetadata> out = new ArrayList<>();
    switch (parsed) {
      case KubernetesList list -> out.addAll(list.getItems());
      case HasMetadata one -> out.add(one);
      case List<?> many -> many.forEach(o -> out.add((HasMetadata) o));
      case null -> { }
      default -> throw new IllegalStateException("unexpected rendered document " + parsed.getClass());
    }
    return List.copyOf(out);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + names()));
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  List<String> names() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }
}
