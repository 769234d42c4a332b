package io.cachemesh.operator.injection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NumericTargetPortCheckTest {
  private static final Map<String, String> POD = Map.of("app", "web", "tier", "front");

  private static Service service(String name, Map<String, String> selector, String portName, Integer port, IntOrString target) {
    return new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withSelector(selector)
        .addNewPort().withName(portName).withPort(port).withTargetPort(target).endPort()
        .endSpec().build();
  }

  @Test
  void serviceTargetingTheAppPortByNumberIsReportedWithTheNamedFix() {
    var findings = NumericTargetPortCheck.check(
        List.of(service("web", Map.of("app", "web"), "http", 80, new IntOrString(8080))), POD, 8080, "http");
    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.service()).isEqualTo("web");
      assertThat(f.message()).contains("Service web").contains("8080").contains("use targetPort: http");
    });
  }

  @Test
  void serviceWithoutTargetPortUsesItsPortNumber() {
    var findings = NumericTargetPortCheck.check(
        List.of(service("direct", Map.of("app", "web"), null, 8080, null)), POD, 8080, null);
    assertThat(findings).singleElement().satisfies(f -> assertThat(f.message()).contains("name the app's container port"));
  }

  @Test
  void namedTargetPortsOtherNumbersAndOtherPodsAreFine() {
    var findings = NumericTargetPortCheck.check(List.of(
        service("named", Map.of("app", "web"), "http", 80, new IntOrString("http")),
        service("metrics", Map.of("app", "web"), "m", 9090, new IntOrString(9090)),
        service("other", Map.of("app", "api"), "http", 80, new IntOrString(8080)),
        service("headless-no-selector", Map.of(), "http", 80, new IntOrString(8080))), POD, 8080, "http");
    assertThat(findings).isEmpty();
  }

  private static final Pod APP = InjectionFixtures.pod("""
      metadata: {name: web-1, namespace: shop, labels: {app: web}, annotations: {cachemesh.io/policy: catalog}}
      spec:
        containers:
        - {name: app, image: shop/web:1, ports: [{name: http, containerPort: 8080}]}
      """);
  private static final List<Service> NUMERIC = List.of(service("web", Map.of("app", "web"), "http", 80, new IntOrString(8080)));

  @Test
  void podNotYetInjectedIsCheckedForThePortItsPolicyTakesOver() {
    assertThat(NumericTargetPortCheck.forPod(NUMERIC, APP, new IntOrString("http")))
        .singleElement().satisfies(f -> assertThat(f.message()).endsWith("use targetPort: http"));
    assertThat(NumericTargetPortCheck.forPod(NUMERIC, APP, new IntOrString(8080))).hasSize(1);
    assertThat(NumericTargetPortCheck.forPod(NUMERIC, APP, new IntOrString("grpc"))).isEmpty();
  }

  @Test
  void injectedPodIsCheckedForWhereItsSidecarForwards() {
    var policy = InjectionFixtures.policy("catalog", null, null, new IntOrString("http"));
    var decision = new SidecarInjector(InjectionFixtures.NATIVE).decide(APP, "shop", Map.of(), List.of(policy));
    Pod injected = ((InjectionDecision.Inject) decision).pod();

    assertThat(NumericTargetPortCheck.forPod(NUMERIC, injected, new IntOrString("http")))
        .singleElement().satisfies(f -> {
          assertThat(f.targetPort()).isEqualTo(8080);
          assertThat(f.message()).endsWith("use targetPort: http");
        });
    assertThat(NumericTargetPortCheck.forPod(
        List.of(service("web", Map.of("app", "web"), "http", 80, new IntOrString("http"))), injected, new IntOrString("http")))
        .isEmpty();
  }

  @Test
  void injectedPodIsCheckedWithThePortsItsSidecarWasInjectedWith() {
    var policy = InjectionFixtures.policy("catalog", null, null, new IntOrString("http"));
    var settings = InjectionFixtures.NATIVE.withPorts(new SidecarPorts(9080, 9081, 9082));
    Pod injected = ((InjectionDecision.Inject) new SidecarInjector(settings).decide(APP, "shop", Map.of(), List.of(policy))).pod();

    assertThat(NumericTargetPortCheck.forPod(NUMERIC, injected, new IntOrString("http")))
        .singleElement().satisfies(f -> assertThat(f.message()).endsWith("use targetPort: http"));
  }
}
