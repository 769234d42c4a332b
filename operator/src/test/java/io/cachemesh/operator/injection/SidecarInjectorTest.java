package io.cachemesh.operator.injection;

import static io.cachemesh.operator.injection.InjectionFixtures.K8S_1_30;
import static io.cachemesh.operator.injection.InjectionFixtures.LEGACY;
import static io.cachemesh.operator.injection.InjectionFixtures.NATIVE;
import static io.cachemesh.operator.injection.InjectionFixtures.applyPatch;
import static io.cachemesh.operator.injection.InjectionFixtures.patchFor;
import static io.cachemesh.operator.injection.InjectionFixtures.pod;
import static io.cachemesh.operator.injection.InjectionFixtures.policy;
import static io.cachemesh.operator.injection.InjectionFixtures.selector;
import static io.cachemesh.operator.injection.InjectionFixtures.webPod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SidecarInjectorTest {
  private static final IntOrString HTTP = new IntOrString("http");
  private static final CachePolicy CATALOG = policy("catalog", "2026-01-01T00:00:00Z", null, HTTP);
  private static final CachePolicy WEB_SELECTOR =
      policy("web", "2026-02-01T00:00:00Z", selector(Map.of("app", "web")), HTTP);
  private static final InjectionSettings OTHER_PORTS = NATIVE.withPorts(new SidecarPorts(9080, 9081, 9082));

  /** One pod shape, its context, and what the pod must look like after the returned patch is applied. */
  record Scenario(
      String name, InjectionSettings settings, String namespace, Map<String, String> namespaceLabels,
      List<CachePolicy> policies, String podYaml, Consumer<Outcome> expect) {
    Scenario(String name, String podYaml, List<CachePolicy> policies, Consumer<Outcome> expect) {
      this(name, NATIVE, "shop", Map.of(), policies, podYaml, expect);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  record Outcome(InjectionDecision decision, Pod original, Pod result, JsonNode patch) {
    Container sidecar() {
      return Containers.all(result.getSpec()).filter(c -> c.getName().equals(InjectionKeys.SIDECAR_NAME))
          .findFirst().orElseThrow(() -> new AssertionError("no sidecar in " + result.getSpec()));
    }

    Container app() {
      return result.getSpec().getContainers().stream().filter(c -> c.getName().equals("app")).findFirst().orElseThrow();
    }
  }

  static Stream<Arguments> podShapes() {
    return Stream.of(
        new Scenario("named port taken over via annotation", webPod("annotations: {cachemesh.io/policy: catalog}", ""),
            List.of(CATALOG), o -> {
              injectedNatively(o);
              assertThat(o.sidecar().getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                  .contains(org.assertj.core.groups.Tuple.tuple("http", 15080));
              assertThat(o.app().getPorts()).extracting(ContainerPort::getName).containsExactly("app-http");
              assertThat(o.sidecar().getArgs()).containsSequence("--upstream", "http://127.0.0.1:8080");
            }),
        new Scenario("port referenced by number takes the port's name", webPod("annotations: {cachemesh.io/policy: num}", ""),
            List.of(policy("num", "2026-01-01T00:00:00Z", null, new IntOrString(8080))), o -> {
              injectedNatively(o);
              assertThat(o.app().getPorts()).extracting(ContainerPort::getName).containsExactly("app-http");
              assertThat(o.sidecar().getPorts().getFirst().getName()).isEqualTo("http");
            }),
        new Scenario("unnamed port: sidecar gets its own port name and a warning", """
            metadata: {name: p, namespace: shop, labels: {app: web}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{containerPort: 8080}]
            """, List.of(policy("num", "2026-01-01T00:00:00Z", selector(Map.of("app", "web")), new IntOrString(8080))), o -> {
              injectedNatively(o);
              assertThat(o.app().getPorts().getFirst().getName()).isNull();
              assertThat(o.sidecar().getPorts().getFirst().getName()).isEqualTo("cachemesh-http");
              assertThat(o.decision().warnings()).anyMatch(w -> w.contains("no name"));
            }),
        new Scenario("http and tcp probes by name go to the app's number; by number unchanged", """
            metadata: {name: p, namespace: shop, labels: {app: web}, annotations: {cachemesh.io/policy: catalog}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9090}]
                livenessProbe: {httpGet: {path: /live, port: http}}
                readinessProbe: {tcpSocket: {port: http}}
                startupProbe: {httpGet: {path: /start, port: 9090}}
            """, List.of(CATALOG), o -> {
              injectedNatively(o);
              assertThat(o.app().getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
              assertThat(o.app().getReadinessProbe().getTcpSocket().getPort()).isEqualTo(new IntOrString(8080));
              assertThat(o.app().getStartupProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(9090));
              assertThat(o.app().getPorts()).extracting(ContainerPort::getName).containsExactly("app-http", "admin");
            }),
        new Scenario("lifecycle hooks on the taken-over name go to the app's number", """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}]
                lifecycle:
                  preStop: {httpGet: {path: /drain, port: http}}
                  postStart: {tcpSocket: {port: http}}
            """, List.of(CATALOG), o -> {
              injectedNatively(o);
              assertThat(o.app().getLifecycle().getPreStop().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
              assertThat(o.app().getLifecycle().getPostStart().getTcpSocket().getPort()).isEqualTo(new IntOrString(8080));
            }),
        new Scenario("probe on another named port is left alone", """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}, {name: health, containerPort: 8081}]
                livenessProbe: {httpGet: {path: /live, port: health}}
            """, List.of(CATALOG), o -> {
              injectedNatively(o);
              assertThat(o.app().getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("health"));
            }),
        new Scenario("existing init containers run after the sidecar", """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              initContainers:
              - {name: migrate, image: m}
              - {name: warm, image: w}
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}]
            """, List.of(CATALOG), o -> {
              injectedNatively(o);
              assertThat(o.result().getSpec().getInitContainers()).extracting(Container::getName)
                  .containsExactly("cachemesh-sidecar", "migrate", "warm");
              assertThat(o.patch()).hasSize(expectedOps(o.original()));
            }),
        new Scenario("an unrelated sidecar is kept as it is", """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}]
              - name: log-shipper
                image: l
                ports: [{name: metrics, containerPort: 9100}]
            """, List.of(CATALOG), o -> {
              injectedNatively(o);
              assertThat(o.result().getSpec().getContainers().get(1)).isEqualTo(o.original().getSpec().getContainers().get(1));
            }),
        new Scenario("Job pod (restartPolicy Never) gets a native sidecar so it can complete",
            webPod("annotations: {cachemesh.io/policy: catalog}", "restartPolicy: Never"), List.of(CATALOG), o -> {
              injectedNatively(o);
              assertThat(o.result().getSpec().getRestartPolicy()).isEqualTo("Never");
            }),
        new Scenario("Job pod (OnFailure) without native sidecars is not injected", LEGACY, "shop", Map.of(), List.of(CATALOG),
            webPod("annotations: {cachemesh.io/policy: catalog}", "restartPolicy: OnFailure"),
            o -> skipped(o, "native sidecars")),
        new Scenario("without native sidecars the sidecar is appended as a container", LEGACY, "shop", Map.of(),
            List.of(CATALOG), webPod("annotations: {cachemesh.io/policy: catalog}", ""), o -> {
              assertThat(o.result().getSpec().getContainers()).extracting(Container::getName)
                  .containsExactly("app", "cachemesh-sidecar");
              assertThat(o.result().getSpec().getInitContainers()).isNullOrEmpty();
              assertThat(o.sidecar().getRestartPolicy()).isNull();
              assertThat(o.patch()).hasSize(expectedOps(o.original()));
            }),
        new Scenario("on 1.29-1.31 a long-running pod gets a regular sidecar so Services reach its port", K8S_1_30, "shop",
            Map.of(), List.of(CATALOG), webPod("annotations: {cachemesh.io/policy: catalog}", ""), o -> {
              assertThat(o.result().getSpec().getContainers()).extracting(Container::getName)
                  .containsExactly("app", "cachemesh-sidecar");
              assertThat(o.result().getSpec().getInitContainers()).isNullOrEmpty();
              assertThat(o.decision().warnings()).isEmpty();
            }),
        new Scenario("on 1.29-1.31 a Job pod still gets a native sidecar, with a warning", K8S_1_30, "shop",
            Map.of(), List.of(CATALOG), webPod("annotations: {cachemesh.io/policy: catalog}", "restartPolicy: OnFailure"), o -> {
              injectedNatively(o);
              assertThat(o.decision().warnings()).anyMatch(w -> w.contains("1.32"));
            }),
        new Scenario("already injected pod is unchanged", """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              initContainers: [{name: cachemesh-sidecar, image: s, restartPolicy: Always}]
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}]
            """, List.of(CATALOG), o -> skipped(o, "already has")),
        new Scenario("hostNetwork pod is never injected", webPod("annotations: {cachemesh.io/policy: catalog}", "hostNetwork: true"),
            List.of(CATALOG), o -> skipped(o, "hostNetwork")),
        new Scenario("opt-out annotation wins over the policy annotation",
            webPod("annotations: {cachemesh.io/policy: catalog, cachemesh.io/inject: \"false\"}", ""),
            List.of(CATALOG), o -> skipped(o, "opted out")),
        new Scenario("system namespace is never injected", NATIVE, "kube-system", Map.of(), List.of(CATALOG),
            webPod("annotations: {cachemesh.io/policy: catalog}", ""), o -> skipped(o, "system namespace")),
        new Scenario("the operator's own namespace is never injected", NATIVE, "cachemesh-system", Map.of(),
            List.of(WEB_SELECTOR), webPod("", ""), o -> skipped(o, "system namespace")),
        new Scenario("namespace label enabled injects a selector-less policy", NATIVE, "shop",
            Map.of("cachemesh.io/injection", "enabled"), List.of(CATALOG), webPod("", ""), o -> {
              injectedNatively(o);
              assertThat(o.result().getMetadata().getAnnotations()).containsEntry(InjectionKeys.INJECTED_POLICY, "catalog");
            }),
        new Scenario("without the namespace label a selector-less policy selects nothing", webPod("", ""),
            List.of(CATALOG), o -> skipped(o, "selects this pod")),
        new Scenario("namespace label disabled wins over the annotation", NATIVE, "shop",
            Map.of("cachemesh.io/injection", "disabled"), List.of(CATALOG),
            webPod("annotations: {cachemesh.io/policy: catalog}", ""), o -> skipped(o, "disabled")),
        new Scenario("selector match injects without any label or annotation", webPod("", ""), List.of(WEB_SELECTOR), o -> {
          injectedNatively(o);
          assertThat(o.result().getMetadata().getAnnotations()).containsEntry(InjectionKeys.INJECTED_POLICY, "web");
        }),
        new Scenario("selector match wins over a namespace-wide policy", NATIVE, "shop",
            Map.of("cachemesh.io/injection", "enabled"), List.of(CATALOG, WEB_SELECTOR), webPod("", ""), o ->
              assertThat(o.result().getMetadata().getAnnotations()).containsEntry(InjectionKeys.INJECTED_POLICY, "web")),
        new Scenario("annotation wins over a selector match", webPod("annotations: {cachemesh.io/policy: catalog}", ""),
            List.of(WEB_SELECTOR, CATALOG), o ->
              assertThat(o.result().getMetadata().getAnnotations()).containsEntry(InjectionKeys.INJECTED_POLICY, "catalog")),
        new Scenario("two matching policies: the oldest wins, with a warning", webPod("", ""), List.of(
            policy("newer", "2026-03-01T00:00:00Z", selector(Map.of("app", "web")), HTTP),
            policy("older", "2026-01-01T00:00:00Z", selector(Map.of()), HTTP)), o -> {
              assertThat(o.result().getMetadata().getAnnotations()).containsEntry(InjectionKeys.INJECTED_POLICY, "older");
              assertThat(o.decision().warnings()).anyMatch(w -> w.contains("several") && w.contains("newer"));
            }),
        new Scenario("missing named policy refuses the pod naming policy and namespace",
            webPod("annotations: {cachemesh.io/policy: nope}", ""), List.of(WEB_SELECTOR), o -> {
              assertThat(o.decision()).isInstanceOf(InjectionDecision.Refuse.class);
              assertThat(((InjectionDecision.Refuse) o.decision()).message()).contains("nope").contains("shop");
            }),
        new Scenario("no container port matches upstream.port: not injected, with a warning",
            webPod("annotations: {cachemesh.io/policy: other}", ""),
            List.of(policy("other", "2026-01-01T00:00:00Z", null, new IntOrString("grpc"))), o -> {
              skipped(o, "no container port named grpc");
              assertThat(o.decision().warnings()).anyMatch(w -> w.contains("grpc"));
            }),
        new Scenario("a named policy without a spec is not injected, with a warning",
            webPod("annotations: {cachemesh.io/policy: empty}", ""), List.of(withoutSpec("empty")), o -> {
              skipped(o, "no spec.upstream.port");
              assertThat(o.decision().warnings()).anyMatch(w -> w.contains("empty"));
            }),
        new Scenario("broker Secret mounted read-only and resources from the policy", webPod("annotations: {cachemesh.io/policy: b}", ""),
            List.of(policy("b", "2026-01-01T00:00:00Z", null, HTTP, "redis-creds", new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("100m")).addToLimits("memory", new Quantity("256Mi")).build())), o -> {
              injectedNatively(o);
              assertThat(o.result().getSpec().getVolumes()).anyMatch(v -> v.getName().equals("cachemesh-broker")
                  && v.getSecret().getSecretName().equals("redis-creds"));
              assertThat(o.sidecar().getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/cachemesh/broker") && m.getReadOnly());
              assertThat(o.sidecar().getResources().getRequests()).containsEntry("cpu", new Quantity("100m"));
              assertThat(o.sidecar().getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
            }),
        new Scenario("resource annotations override the defaults; an invalid one is ignored with a warning",
            webPod("annotations: {cachemesh.io/policy: catalog, cachemesh.io/sidecar-cpu-request: 250m, "
                + "cachemesh.io/sidecar-memory-limit: lots}", ""), List.of(CATALOG), o -> {
              assertThat(o.sidecar().getResources().getRequests()).containsEntry("cpu", new Quantity("250m"))
                  .containsEntry("memory", new Quantity("64Mi"));
              assertThat(o.sidecar().getResources().getLimits()).containsOnlyKeys("memory")
                  .containsEntry("memory", new Quantity("128Mi"));
              assertThat(o.decision().warnings()).anyMatch(w -> w.contains("sidecar-memory-limit=lots"));
            }),
        new Scenario("a pod already using a sidecar port is not injected", """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}, {name: other, containerPort: 15082}]
            """, List.of(CATALOG), o -> skipped(o, "15080, 15081, 15082")),
        new Scenario("other sidecar ports: container ports, args, probes and the taken-over name use them", OTHER_PORTS,
            "shop", Map.of(), List.of(CATALOG), webPod("annotations: {cachemesh.io/policy: catalog}", ""), o -> {
              injectedNatively(o);
              assertThat(o.sidecar().getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                  .containsExactly(org.assertj.core.groups.Tuple.tuple("http", 9080),
                      org.assertj.core.groups.Tuple.tuple("cachemesh-ops", 9082));
              assertThat(o.sidecar().getArgs()).containsSequence("--listen", "0.0.0.0:9080",
                  "--admin-listen", "127.0.0.1:9081", "--ops-listen", "0.0.0.0:9082");
              assertThat(o.sidecar().getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(9082));
              assertThat(o.sidecar().getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(9082));
              assertThat(o.app().getPorts()).extracting(ContainerPort::getName).containsExactly("app-http");
            }),
        new Scenario("other sidecar ports free the defaults for the app", OTHER_PORTS, "shop", Map.of(), List.of(CATALOG), """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 15080}]
            """, o -> {
              injectedNatively(o);
              assertThat(o.sidecar().getArgs()).containsSequence("--upstream", "http://127.0.0.1:15080");
            }),
        new Scenario("other sidecar ports: a pod already using one is not injected, naming them", OTHER_PORTS,
            "shop", Map.of(), List.of(CATALOG), """
            metadata: {name: p, namespace: shop, annotations: {cachemesh.io/policy: catalog}}
            spec:
              containers:
              - name: app
                image: x
                ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9081}]
            """, o -> skipped(o, "9080, 9081, 9082")))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podShapes")
  void patchAppliedToTheOriginalGivesTheExpectedPod(Scenario scenario) {
    SidecarInjector injector = new SidecarInjector(scenario.settings());
    Pod original = pod(scenario.podYaml());
    InjectionDecision decision = injector.decide(original, scenario.namespace(), scenario.namespaceLabels(), scenario.policies());
    JsonNode patch = patchFor(original, decision);
    Pod result = applyPatch(original, patch);
    if (decision instanceof InjectionDecision.Inject inject) {
      assertThat(InjectionFixtures.tree(result)).isEqualTo(InjectionFixtures.tree(inject.pod()));
    }
    scenario.expect().accept(new Outcome(decision, original, result, patch));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podShapes")
  void injectionIsIdempotent(Scenario scenario) {
    SidecarInjector injector = new SidecarInjector(scenario.settings());
    Pod original = pod(scenario.podYaml());
    InjectionDecision first = injector.decide(original, scenario.namespace(), scenario.namespaceLabels(), scenario.policies());
    InjectionDecision again = injector.decide(original, scenario.namespace(), scenario.namespaceLabels(), scenario.policies());
    assertThat(again).isEqualTo(first);
    Pod once = applyPatch(original, patchFor(original, first));
    InjectionDecision second = injector.decide(once, scenario.namespace(), scenario.namespaceLabels(), scenario.policies());
    Pod twice = applyPatch(once, patchFor(once, second));
    assertThat(twice).isEqualTo(once);
    assertThat(patchFor(once, second)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void injectedPodCarriesVersionPolicyAndTheCompiledConfigHash() throws Exception {
    Pod original = pod(webPod("annotations: {cachemesh.io/policy: catalog}", ""));
    var inject = (InjectionDecision.Inject) new SidecarInjector(NATIVE).decide(original, "shop", Map.of(), List.of(CATALOG));
    assertThat(inject.pod().getMetadata().getAnnotations())
        .containsEntry(InjectionKeys.SIDECAR_VERSION, "0.1.0")
        .containsEntry(InjectionKeys.INJECTED_POLICY, "catalog")
        .containsEntry(InjectionKeys.CONFIG_HASH, new PolicyCompiler().compile(CATALOG).hash())
        .containsEntry(InjectionKeys.POLICY, "catalog");
  }

  @org.junit.jupiter.api.Test
  void sidecarIsRestrictedAndProbesItsOwnOpsPort() {
    Pod original = pod(webPod("annotations: {cachemesh.io/policy: catalog}", ""));
    var inject = (InjectionDecision.Inject) new SidecarInjector(NATIVE).decide(original, "shop", Map.of(), List.of(CATALOG));
    Container sidecar = inject.pod().getSpec().getInitContainers().getFirst();
    var sc = sidecar.getSecurityContext();
    assertThat(sc.getRunAsNonRoot()).isTrue();
    assertThat(sc.getRunAsUser()).isEqualTo(65532L);
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(sidecar.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(sidecar.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(sidecar.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(15082));
    assertThat(sidecar.getArgs()).containsExactly("--config", "/etc/cachemesh/config.json",
        "--upstream", "http://127.0.0.1:8080", "--listen", "0.0.0.0:15080",
        "--admin-listen", "127.0.0.1:15081", "--ops-listen", "0.0.0.0:15082");
    assertThat(sidecar.getEnv()).extracting(e -> e.getName()).containsExactly("POD_NAME", "POD_NAMESPACE");
    // The sidecar maps every CACHEMESH_<FLAG> variable to a flag: the injector must set none it does not mean.
    assertThat(sidecar.getEnv()).noneMatch(e -> e.getName().startsWith("CACHEMESH_"));
    assertThat(sidecar.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    Volume config = inject.pod().getSpec().getVolumes().getFirst();
    assertThat(config.getName()).isEqualTo("cachemesh-config");
    assertThat(config.getConfigMap().getName()).isEqualTo("catalog-cachemesh");
    assertThat(sidecar.getVolumeMounts()).singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/etc/cachemesh"))
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
  }

  private static CachePolicy withoutSpec(String name) {
    CachePolicy policy = policy(name, "2026-01-01T00:00:00Z", null, HTTP);
    policy.setSpec(null);
    return policy;
  }

  private static void injectedNatively(Outcome o) {
    assertThat(o.decision()).isInstanceOf(InjectionDecision.Inject.class);
    Container first = o.result().getSpec().getInitContainers().getFirst();
    assertThat(first.getName()).isEqualTo(InjectionKeys.SIDECAR_NAME);
    assertThat(first.getRestartPolicy()).isEqualTo("Always");
    assertThat(o.result().getSpec().getContainers()).extracting(Container::getName).doesNotContain(InjectionKeys.SIDECAR_NAME);
    assertMinimal(o.patch());
  }

  private static void skipped(Outcome o, String reason) {
    assertThat(o.decision()).isInstanceOfSatisfying(InjectionDecision.Skip.class,
        skip -> assertThat(skip.reason()).contains(reason));
    assertThat(o.patch()).isEmpty();
    assertThat(o.result()).isEqualTo(o.original());
  }

  /** Only additions and replacements of the leaves that change: never a container list rewritten whole. */
  private static void assertMinimal(JsonNode patch) {
    for (JsonNode op : patch) {
      assertThat(op.get("op").asText()).isIn("add", "replace");
      assertThat(op.get("path").asText()).isNotIn("/spec", "/spec/containers", "/metadata");
      if (op.get("op").asText().equals("replace")) {
        assertThat(op.get("value").isContainerNode()).as("replace of %s", op).isFalse();
      }
    }
  }

  /** Annotations (3), the sidecar, the volume(s), the renamed port: one operation each. */
  private static int expectedOps(Pod original) {
    boolean annotationsExist = original.getMetadata().getAnnotations() != null
        && !original.getMetadata().getAnnotations().isEmpty();
    return (annotationsExist ? 3 : 1) + 1 + 1 + 1;
  }
}
