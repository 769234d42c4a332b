package io.cachemesh.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DockerfileTest {
  @ParameterizedTest
  @ValueSource(strings = {"sidecar", "operator"})
  void baseIsAJava25RuntimeImage(String image) throws Exception {
    Dockerfile dockerfile = dockerfile(image);

    assertThat(dockerfile.baseImages()).isNotEmpty().allSatisfy(base -> assertThat(base).isEqualTo("eclipse-temurin:25-jre-alpine"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sidecar", "operator"})
  void runsAsTheNumericNonRootUserThePodsDeclare(String image) throws Exception {
    String user = dockerfile(image).last("USER");

    assertThat(user).matches("\\d+(:\\d+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).isEqualTo(65532);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sidecar", "operator"})
  void entrypointRunsTheJarWithSidecarTunedFlags(String image) throws Exception {
    List<String> entrypoint = dockerfile(image).entrypoint();

    assertThat(entrypoint.getFirst()).isEqualTo("java");
    assertThat(entrypoint).endsWith("-jar", "/app/" + image + ".jar")
        .contains("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders", "-XX:-UsePerfData", "-Djava.io.tmpdir=/tmp")
        .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="))
        .noneMatch(f -> f.startsWith("-Xmx"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sidecar", "operator"})
  void copiesTheJarTheMavenBuildProduces(String image) throws Exception {
    // Until the sidecar module configures its shade plugin, the documented name sidecar/target/sidecar.jar applies.
    String produced = ShadedJar.of(image).orElse(image + "/target/" + image + ".jar");
    List<String> copies = dockerfile(image).all("COPY");

    assertThat(copies).filteredOn(c -> c.contains(".jar") && !c.startsWith("--from"))
        .singleElement().satisfies(c -> assertThat(c.split("\\s+")).contains(produced, "/app/" + image + ".jar"));
  }

  @Test
  void operatorJarNameComesFromItsShadeConfiguration() throws Exception {
    assertThat(ShadedJar.of("operator")).contains("operator/target/operator.jar");
  }

  @Test
  void sidecarExposesTheDefaultProxyAndOpsPortsButNotTheAdminPort() throws Exception {
    Matcher defaults = Pattern.compile("DEFAULTS = new SidecarPorts\\((\\d+), (\\d+), (\\d+)\\)").matcher(Files.readString(
        Repository.ROOT.resolve("operator/src/main/java/io/cachemesh/operator/injection/SidecarPorts.java")));
    assertThat(defaults.find()).as("SidecarPorts.DEFAULTS").isTrue();
    String values = Files.readString(Repository.CHART.resolve("values.yaml"));
    int proxy = Integer.parseInt(defaults.group(1));
    int admin = Integer.parseInt(defaults.group(2));
    int ops = Integer.parseInt(defaults.group(3));

    // The image documents the defaults only: chart values (sidecar.ports) may inject others.
    assertThat(exposed("sidecar")).containsExactly(proxy, ops).doesNotContain(admin);
    assertThat(List.of(value(values, "proxy"), value(values, "admin"), value(values, "ops")))
        .containsExactly(proxy, admin, ops);
  }

  @Test
  void operatorExposesTheChartsMetricsAndWebhookPorts() throws Exception {
    String values = Files.readString(Repository.CHART.resolve("values.yaml"));

    assertThat(exposed("operator")).containsExactly(value(values, "metricsPort"), value(values, "port"));
  }

  @Test
  void sidecarAotTrainingRunUsesTheRuntimeFlags() throws Exception {
    List<String> runtime = dockerfile("sidecar").entrypoint().stream()
        .filter(f -> f.startsWith("-XX:") && !f.startsWith("-XX:AOTCache=") && !f.equals("-XX:+ExitOnOutOfMemoryError"))
        .toList();
    String train = Files.readString(Repository.ROOT.resolve("images/sidecar/train.sh"));

    assertThat(runtime).hasSizeGreaterThan(3).allSatisfy(flag -> assertThat(train).contains(flag));
    assertThat(train).contains("-XX:AOTCacheOutput=");
    assertThat(dockerfile("sidecar").entrypoint()).contains("-XX:AOTCache=/app/sidecar.aot");
  }

  private static Dockerfile dockerfile(String image) throws Exception {
    return Dockerfile.parse(Repository.ROOT.resolve("images").resolve(image).resolve("Dockerfile"));
  }

  private static List<Integer> exposed(String image) throws Exception {
    return Arrays.stream(dockerfile(image).last("EXPOSE").split("\\s+")).map(Integer::valueOf)
        .collect(Collectors.toList());
  }

  private static int value(String yaml, String key) {
    Matcher m = Pattern.compile("(?m)^\\s+" + key + ":\\s*(\\d+)").matcher(yaml);
    assertThat(m.find()).as("values key %s", key).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
